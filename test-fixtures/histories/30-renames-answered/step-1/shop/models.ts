import { models } from "tsmigrate";

export class Category extends models.Model {
  name = models.CharField({ maxLength: 50 });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 100 });
  stock = models.IntegerField({ default: 0 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true });
}
