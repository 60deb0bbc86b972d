import { models } from "tsmigrate";

export class Customer extends models.Model {
  name = models.CharField({ maxLength: 80 });

  static Meta = { dbTable: "crm_clients" };
}

export class Order extends models.Model {
  number = models.CharField({ maxLength: 12, unique: true });
  customer = models.ForeignKey(Customer, { onDelete: models.CASCADE });

  static Meta = { dbTable: "orders", indexes: [models.Index({ fields: ["customer", "number"], name: "order_cust_num_idx" })] };
}

export class Invoice extends models.Model {
  order = models.OneToOneField(Order, { onDelete: models.CASCADE });
  amount = models.DecimalField({ maxDigits: 10, decimalPlaces: 2 });
}
