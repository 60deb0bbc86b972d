import { models } from "tsmigrate";

export class Department extends models.Model {
  name = models.CharField({ maxLength: 50 });
  parent = models.ForeignKey("Department", { onDelete: models.CASCADE, null: true, relatedName: "children" });
}
