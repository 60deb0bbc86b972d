import { models } from "tsmigrate";

export class Item extends models.Model {
  code = models.CharField({ maxLength: 20 });
  qty = models.IntegerField({ null: true });
  label = models.CharField({ maxLength: 40, null: true });
}
