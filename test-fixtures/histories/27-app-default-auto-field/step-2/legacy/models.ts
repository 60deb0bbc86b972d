import { models } from "tsmigrate";

/** The app's defaultAutoField (Django's AppConfig.default_auto_field): an integer `id`. */
export class Customer extends models.Model {
  name = models.CharField({ maxLength: 50 });
  // The join table's own id follows the project's DEFAULT_AUTO_FIELD in migrations (Django renders it without the AppConfig).
  tags = models.ManyToManyField("modern.Label");
}

/** A multi-table child: its parent link is the primary key, no `id` of its own. */
export class VipCustomer extends Customer {
  level = models.SmallIntegerField({ default: 1 });
}

/** A new model of the app: an integer `id` too. */
export class Note extends models.Model {
  customer = models.ForeignKey(Customer, { onDelete: models.CASCADE });
  body = models.TextField({ default: "" });
}
