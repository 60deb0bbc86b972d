import { models } from "tsmigrate";
import { Category } from "../catalog/models";

abstract class Timestamped extends models.Model {
  created = models.DateTimeField({ autoNowAdd: true });
  updated = models.DateTimeField({ autoNow: true });
  static Meta: models.Meta = { abstract: true, ordering: ["-created"] };
}

export class Product extends Timestamped {
  name = models.CharField({ maxLength: 100, unique: true });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });
  status = models.CharField({ maxLength: 1, choices: [["d", "Draft"], ["p", "Published"]], default: "d" });
  data = models.JSONField({ default: {} });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true, relatedName: "products" });
  parent = models.ForeignKey("self", { onDelete: models.SET_NULL, null: true, blank: true });
  tags = models.ManyToManyField("Tag", { blank: true });
  owner = models.OneToOneField("accounts.User", { onDelete: models.PROTECT });
  ip = models.GenericIPAddressField({ protocol: "IPv4", null: true });

  static Meta = {
    dbTable: "shop_product",
    ordering: ["name"],
    indexes: [
      models.Index({ fields: ["name", "-price"], name: "shop_prod_name_idx" }),
      models.Index({ fields: ["stock"], name: "shop_stock_pos", condition: models.Q({ stock__gt: 0 }) }),
    ],
    constraints: [
      models.UniqueConstraint({ fields: ["name", "category"], name: "uniq_name_category", deferrable: models.Deferrable.DEFERRED }),
      models.CheckConstraint({
        check: models.Q.or(models.Q({ price__gte: 0 }), models.Q.not(models.Q({ stock: models.F("price") }))),
        name: "price_positive",
      }),
    ],
    uniqueTogether: [["name", "category"]],
    permissions: [["can_sell", "Can sell"]],
  };
}

export class Tag extends models.Model {
  id = models.BigAutoField({ primaryKey: true });
  label = models.SlugField({ maxLength: 40 });
}
