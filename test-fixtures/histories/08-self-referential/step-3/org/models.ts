import { models } from "tsmigrate";

export class Department extends models.Model {
  name = models.CharField({ maxLength: 50, unique: true });
}

export class Employee extends models.Model {
  name = models.CharField({ maxLength: 50 });
  department = models.ForeignKey(Department, { onDelete: models.CASCADE, null: true });
  manager = models.ForeignKey("self", { onDelete: models.SET_NULL, null: true, relatedName: "reports" });
  mentor = models.ForeignKey("Employee", { onDelete: models.DO_NOTHING, null: true, relatedName: "mentees", dbConstraint: false });
}
