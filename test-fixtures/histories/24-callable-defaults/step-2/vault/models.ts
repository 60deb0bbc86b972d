import { models } from "tsmigrate";

const newId = () => crypto.randomUUID();

export class Token extends models.Model {
  // The same callable, named rather than wrapped in an arrow, would be a state-only AlterField here and
  // not in Django (which compares the function itself): test/callable-defaults.test.ts covers that form.
  key = models.UUIDField({ default: () => crypto.randomUUID(), unique: true });
  ref = models.CharField({ maxLength: 36, default: crypto.randomUUID });
  created = models.DateTimeField({ default: () => new Date() });
  label = models.CharField({ maxLength: 20, default: () => crypto.randomUUID() });
  // A nullable field added to a table with rows.
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
  day = models.DateField({ default: () => new Date() });
}
