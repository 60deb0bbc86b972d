import { models } from "tsmigrate";

export class Person extends models.Model {
  name = models.CharField({ maxLength: 60 });
  spouse = models.OneToOneField("self", { onDelete: models.SET_NULL, null: true, relatedName: "spouse_of" });
}

export class Passport extends models.Model {
  number = models.CharField({ maxLength: 20, unique: true });
  person = models.ForeignKey(Person, { onDelete: models.CASCADE, relatedName: "passports" });
}

export class Visa extends models.Model {
  passport = models.OneToOneField(Passport, { onDelete: models.CASCADE, primaryKey: true });
  country = models.CharField({ maxLength: 2 });
}
