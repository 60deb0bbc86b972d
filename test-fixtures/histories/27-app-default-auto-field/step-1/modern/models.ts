import { models } from "tsmigrate";
import { Customer } from "../legacy/models";

/** The project's defaultAutoField: a bigint `id`. */
export class Label extends models.Model {
  text = models.CharField({ maxLength: 20 });
}

export class Order extends models.Model {
  customer = models.ForeignKey(Customer, { onDelete: models.CASCADE });
  label = models.ForeignKey(Label, { onDelete: models.SET_NULL, null: true });
}

/** A proxy of another app's model. */
export class Prospect extends Customer {
  static Meta = { proxy: true, verboseName: "prospect" };
}
