import { models } from "tsmigrate";
import { Priority, TicketState } from "./enums";

export class Ticket extends models.Model {
  subject = models.CharField({ maxLength: 120 });
  state = models.CharField({ maxLength: 10, choices: TicketState, default: TicketState.Open });
  priority = models.IntegerField({ default: Priority.Urgent });
  reference = models.CharField({ maxLength: 20, null: true });
  escalated = models.BooleanField({ default: false });

  static Meta = {
    constraints: [
      models.CheckConstraint({
        check: models.Q.and(models.Q({ priority__gte: Priority.Low }), models.Q({ priority__lte: Priority.Urgent * 10 })),
        name: "support_priority_range",
      }),
      models.UniqueConstraint({
        fields: ["reference"],
        name: "support_open_reference_uniq",
        condition: models.Q.not(models.Q({ state: TicketState.Closed })),
      }),
    ],
    indexes: [models.Index({ fields: ["priority"], name: "support_urgent_idx", condition: models.Q({ priority__gte: Priority.Urgent }) })],
  };
}
