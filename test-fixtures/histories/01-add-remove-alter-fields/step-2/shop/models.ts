import { models } from "tsmigrate";

export class Category extends models.Model {
  title = models.CharField({ maxLength: 30 });
  slug = models.SlugField({ null: true });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 50 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  description = models.TextField({ blank: true });
  stock = models.IntegerField({ default: 0 });
  note = models.CharField({ maxLength: 100, null: true });
  active = models.BooleanField({ default: true });
}
