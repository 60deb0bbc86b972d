import { models } from "tsmigrate";

export class Employee extends models.Model {
  name = models.CharField({ maxLength: 50 });
  manager = models.ForeignKey("self", { onDelete: models.SET_NULL, null: true, relatedName: "reports" });
  mentor = models.ForeignKey("Employee", { onDelete: models.DO_NOTHING, null: true, relatedName: "mentees" });
}
