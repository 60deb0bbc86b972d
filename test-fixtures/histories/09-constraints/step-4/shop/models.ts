import { models } from "tsmigrate";

export class Product extends models.Model {
  name = models.CharField({ maxLength: 50 });
  sku = models.CharField({ maxLength: 20 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });
  discount = models.IntegerField({ default: 0 });

  static Meta = {
    constraints: [
      models.CheckConstraint({ check: models.Q({ discount__lte: 100 }), name: "discount_max" }),
    ],
  };
}
