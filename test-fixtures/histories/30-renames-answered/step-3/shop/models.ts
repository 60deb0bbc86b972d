import { models } from "tsmigrate";

export class ProductCategory extends models.Model {
  title = models.CharField({ maxLength: 50 });
}

export class Item extends models.Model {
  name = models.CharField({ maxLength: 100 });
  quantity = models.IntegerField({ default: 0 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  category = models.ForeignKey(ProductCategory, { onDelete: models.CASCADE, null: true });
}
