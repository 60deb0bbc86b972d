import { models } from "tsmigrate";

export class Customer extends models.Model {
  name = models.CharField({ maxLength: 80 });
}

export class Order extends models.Model {
  number = models.CharField({ maxLength: 12, unique: true });
  customer = models.ForeignKey(Customer, { onDelete: models.CASCADE });

  static Meta = { dbTable: "orders", indexes: [models.Index({ fields: ["customer", "number"], name: "order_cust_num_idx" })] };
}
