import { models } from "tsmigrate";

export class Product extends models.Model {
  name = models.CharField({ maxLength: 50 });
  sku = models.CharField({ maxLength: 20 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });

  static Meta = {
    constraints: [
      models.UniqueConstraint({ fields: ["name", "sku"], name: "uniq_name_sku" }),
      models.CheckConstraint({ check: models.Q({ stock__gte: 0 }), name: "stock_nonneg" }),
    ],
  };
}
