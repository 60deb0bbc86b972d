import { models } from "tsmigrate";

export class Item extends models.Model {
  code = models.CharField({ maxLength: 20 });
  qty = models.IntegerField({ default: 1 });
  label = models.CharField({ maxLength: 40, default: "none" });
  weight = models.FloatField({ default: 0.5 });
  created = models.DateField({ null: true });
  flagged = models.BooleanField({ default: false });
}
