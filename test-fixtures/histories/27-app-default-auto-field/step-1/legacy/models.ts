import { models } from "tsmigrate";

/** The app's defaultAutoField (Django's AppConfig.default_auto_field): an integer `id`. */
export class Customer extends models.Model {
  name = models.CharField({ maxLength: 50 });
}

/** A multi-table child: its parent link is the primary key, no `id` of its own. */
export class VipCustomer extends Customer {
  level = models.SmallIntegerField({ default: 1 });
}
