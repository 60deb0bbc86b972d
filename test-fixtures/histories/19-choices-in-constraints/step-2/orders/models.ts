import { models } from "tsmigrate";
import { Channel, MIN_QUANTITY, REGIONS, Status } from "./choices";

const orderConstraints = [
  models.CheckConstraint({ check: models.Q({ quantity__gte: MIN_QUANTITY }), name: "orders_quantity_min" }),
];

export class Order extends models.Model {
  status = models.CharField({ maxLength: 10, choices: Status.choices, default: Status.Paid });
  channel = models.PositiveSmallIntegerField({ choices: Channel, default: Channel.Shop });
  region = models.CharField({ maxLength: 2, choices: REGIONS, default: REGIONS[0][1][0][0] });
  quantity = models.IntegerField({ default: MIN_QUANTITY });

  static Meta = {
    constraints: orderConstraints,
    indexes: [models.Index({ fields: ["status"], name: "orders_status_idx", condition: models.Q({ status: Status.New }) }),
      models.Index({ fields: ["region", "status"], name: "orders_known_idx", condition: models.Q({ status__in: Status.values }) }),
    ],
  };
}
