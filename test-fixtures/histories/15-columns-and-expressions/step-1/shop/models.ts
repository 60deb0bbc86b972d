import { models } from "tsmigrate";

export class Supplier extends models.Model {
  name = models.CharField({ maxLength: 40 });
}

export class Part extends models.Model {
  code = models.CharField({ maxLength: 10, dbColumn: "part_code" });
  qty = models.IntegerField({ default: 0 });
  maxQty = models.IntegerField({ default: 0 });
  suppliers = models.ManyToManyField(Supplier);
}
