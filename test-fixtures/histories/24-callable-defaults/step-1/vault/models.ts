import { models } from "tsmigrate";

/** A project's own id generator: a named arrow, read as the function it is (never called). */
const newId = () => crypto.randomUUID();

export class Token extends models.Model {
  key = models.UUIDField({ default: () => crypto.randomUUID(), unique: true });
  ref = models.CharField({ maxLength: 36, default: crypto.randomUUID });
  created = models.DateTimeField({ default: () => new Date() });
  label = models.CharField({ maxLength: 20, default: "token" });
}

export class Device extends models.Model {
  uid = models.UUIDField({ default: newId, primaryKey: true });
  token = models.ForeignKey(Token, { onDelete: models.CASCADE });
}
