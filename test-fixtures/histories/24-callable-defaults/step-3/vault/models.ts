import { models } from "tsmigrate";

const newId = () => crypto.randomUUID();

export class Token extends models.Model {
  key = models.UUIDField({ default: () => crypto.randomUUID(), unique: true });
  ref = models.CharField({ maxLength: 36, default: "none" });
  created = models.DateTimeField({ autoNowAdd: true });
  label = models.CharField({ maxLength: 20, default: () => crypto.randomUUID() });
  seen = models.DateField({ null: true });
}

export class Device extends models.Model {
  uid = models.UUIDField({ default: newId, primaryKey: true });
  token = models.ForeignKey(Token, { onDelete: models.CASCADE });
}

export class Session extends models.Model {
  id = models.UUIDField({ primaryKey: true, default: () => crypto.randomUUID() });
  device = models.ForeignKey(Device, { onDelete: models.CASCADE });
  started = models.DateTimeField({ default: () => new Date() });
}
