import { models } from "tsmigrate";
import { CurrencyField, MoneyField, SlugField } from "../lib/fields";

export class Item extends models.Model {
  slug = SlugField();
  price = MoneyField();
  currency = CurrencyField();
}
