import { models } from "tsmigrate";
import { CurrencyField, MoneyField, SlugField } from "../lib/fields";

export class Item extends models.Model {
  slug = SlugField(80);
  cost = MoneyField({ null: true });
  price = MoneyField();
  currency = CurrencyField();
}
