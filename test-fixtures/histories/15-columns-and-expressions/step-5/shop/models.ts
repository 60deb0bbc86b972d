import { models } from "tsmigrate";

export class Part extends models.Model {
  code = models.CharField({ maxLength: 10 });
  qty = models.IntegerField({ default: 0 });

  static Meta = {
    dbTable: "parts",
    indexTogether: [["qty", "code"]],
  };
}
