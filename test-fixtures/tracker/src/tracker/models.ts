import { models } from "tsmigrate";

/** A spending category: "Groceries", "Rent", ... */
export class Category extends models.Model {
  name = models.CharField({ maxLength: 50, unique: true });
  color = models.CharField({ maxLength: 7, blank: true, default: "#808080" });
  budget = models.DecimalField({ maxDigits: 10, decimalPlaces: 2, null: true, blank: true });

  static Meta = {
    ordering: ["name"],
    verboseNamePlural: "categories",
  };
}

/** One movement of money: negative amounts are spending, positive ones income. */
export class Transaction extends models.Model {
  amount = models.DecimalField({ maxDigits: 10, decimalPlaces: 2 });
  date = models.DateField();
  description = models.CharField({ maxLength: 200, blank: true });
  category = models.ForeignKey(Category, { onDelete: models.PROTECT, relatedName: "transactions" });
  created = models.DateTimeField({ autoNowAdd: true });

  static Meta = {
    ordering: ["-date"],
    indexes: [models.Index({ fields: ["date"], name: "tracker_tx_date_idx" })],
  };
}
