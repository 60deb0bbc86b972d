import { models } from "tsmigrate";

export class Customer extends models.Model {
  name = models.CharField({ maxLength: 80 });

  static Meta = { dbTable: "crm_customers_v2" };
}

export class Note extends models.Model {
  customer = models.ForeignKey(Customer, { onDelete: models.CASCADE, relatedName: "notes" });
  text = models.TextField();
}
