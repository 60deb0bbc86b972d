import { models } from "tsmigrate";
import { Priority, TicketState } from "./enums";

export class Ticket extends models.Model {
  subject = models.CharField({ maxLength: 120 });
  state = models.CharField({ maxLength: 10, choices: TicketState, default: TicketState.Open });
  priority = models.IntegerField({ default: Priority.Normal });
  reference = models.CharField({ maxLength: 20, null: true });

  static Meta = {
    constraints: [
      models.CheckConstraint({ check: models.Q({ priority__gte: Priority.Low }), name: "support_priority_min" }),
      models.UniqueConstraint({
        fields: ["reference"],
        name: "support_open_reference_uniq",
        condition: models.Q.not(models.Q({ state: TicketState.Closed })),
      }),
    ],
  };
}
