import { models } from "tsmigrate";

export class Supplier extends models.Model {
  name = models.CharField({ maxLength: 40 });

  static Meta = { dbTable: "suppliers" };
}

export class Part extends models.Model {
  code = models.CharField({ maxLength: 10, dbColumn: "code_v2" });
  qty = models.IntegerField({ default: 0 });
  maxQty = models.IntegerField({ default: 0 });
  suppliers = models.ManyToManyField(Supplier);
  shipments = models.ManyToManyField("Shipment", { through: "ShipmentLine" });

  static Meta = {
    dbTable: "parts",
    constraints: [
      models.CheckConstraint({
        check: models.Q.or(models.Q({ qty__lte: models.F("maxQty") }), models.Q.not(models.Q({ maxQty__gt: 0 }))),
        name: "qty_within_max",
      }),
      models.UniqueConstraint({ fields: ["code"], name: "uniq_code_deferred", deferrable: models.Deferrable.DEFERRED }),
    ],
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
