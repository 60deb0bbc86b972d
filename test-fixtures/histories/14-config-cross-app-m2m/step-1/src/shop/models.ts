import { models } from "tsmigrate";

export class Item extends models.Model {
  name = models.CharField({ maxLength: 50 });
  kind = models.CharField({ maxLength: 10, default: "plain" });
  rank = models.IntegerField({ default: 0 });
}
