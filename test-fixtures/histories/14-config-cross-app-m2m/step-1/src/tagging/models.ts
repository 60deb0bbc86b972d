import { models } from "tsmigrate";

export class Tag extends models.Model {
  label = models.CharField({ maxLength: 30 });
  weight = models.IntegerField({ default: 0 });
}
