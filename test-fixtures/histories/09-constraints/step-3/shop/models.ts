import { models } from "tsmigrate";

export class Product extends models.Model {
  name = models.CharField({ maxLength: 50 });
  sku = models.CharField({ maxLength: 20 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });

  static Meta = {
    constraints: [
      models.UniqueConstraint({ fields: ["name", "sku"], name: "uniq_name_sku" }),
      models.UniqueConstraint({ fields: ["sku"], condition: models.Q({ stock__gt: 0 }), name: "uniq_sku_in_stock" }),
      models.CheckConstraint({ check: models.Q({ stock__lte: 100000, price__gte: 0 }), name: "price_stock_range" }),
    ],
  };
}
