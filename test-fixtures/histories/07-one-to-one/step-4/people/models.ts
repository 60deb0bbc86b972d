import { models } from "tsmigrate";

export class Person extends models.Model {
  name = models.CharField({ maxLength: 60 });
  spouse = models.OneToOneField("self", { onDelete: models.SET_NULL, null: true, relatedName: "spouse_of" });
  passport_no = models.CharField({ maxLength: 20, null: true, unique: true });
}
