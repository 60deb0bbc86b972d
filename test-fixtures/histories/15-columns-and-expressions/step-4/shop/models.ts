import { models } from "tsmigrate";

export class Supplier extends models.Model {
  name = models.CharField({ maxLength: 40 });

  static Meta = { dbTable: "suppliers" };
}

export class Part extends models.Model {
  code = models.CharField({ maxLength: 10, dbColumn: "code_v2" });
  qty = models.IntegerField({ default: 0 });
  shipments = models.ManyToManyField("Shipment", { through: "ShipmentLine" });

  static Meta = {
    dbTable: "parts",
    constraints: [
      models.UniqueConstraint({ fields: ["code"], name: "uniq_code_deferred", deferrable: models.Deferrable.DEFERRED }),
    ],
    uniqueTogether: [["code", "qty"]],
    indexTogether: [["qty", "code"]],
  };
}

export class Shipment extends models.Model {
  ref = models.CharField({ maxLength: 12, unique: true });
}

export class ShipmentLine extends models.Model {
  part = models.ForeignKey(Part, { onDelete: models.CASCADE });
  shipment = models.ForeignKey(Shipment, { onDelete: models.CASCADE });
  qty = models.IntegerField({ default: 1 });

  static Meta = { uniqueTogether: [["part", "shipment"]] };
}
