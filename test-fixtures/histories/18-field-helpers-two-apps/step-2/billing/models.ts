import { models } from "tsmigrate";
import { Item } from "../catalog/models";
import { CASCADE, CurrencyField, MoneyField } from "../lib/fields";

const TABLE_PREFIX = "billing";

export class Invoice extends models.Model {
  number = models.CharField({ maxLength: 20, unique: true });
  total = MoneyField({ maxDigits: 14 });
  currency = CurrencyField({ default: "USD" });

  static Meta = { dbTable: `${TABLE_PREFIX}_invoices` };
}

export class Line extends models.Model {
  invoice = models.ForeignKey(Invoice, { onDelete: CASCADE });
  item = models.ForeignKey(Item, { onDelete: models.PROTECT });
  amount = MoneyField({ null: true, default: null });
  discount = MoneyField({ decimalPlaces: 1 });
}
