import { models } from "tsmigrate";

export class Category extends models.Model {
  title = models.CharField({ maxLength: 30 });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 120 });
  price = models.DecimalField({ maxDigits: 10, decimalPlaces: 3 });
  stock = models.BigIntegerField({ default: 0 });
  note = models.TextField({ null: true });
  active = models.BooleanField({ default: true });
}
