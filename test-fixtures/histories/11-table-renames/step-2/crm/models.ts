import { models } from "tsmigrate";

export class Customer extends models.Model {
  name = models.CharField({ maxLength: 80 });

  static Meta = { dbTable: "crm_clients" };
}

export class Order extends models.Model {
  number = models.CharField({ maxLength: 12, unique: true });
  customer = models.ForeignKey(Customer, { onDelete: models.CASCADE });
}
