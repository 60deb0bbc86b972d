import { models } from "tsmigrate";
import { CODE_LENGTH, KINDS, Limits, NAME_LENGTH, Priority, Role, Status } from "../common/choices";
import { CodeField, MoneyField } from "../common/fields";

const PREFIX = "store";
const SECONDS_PER_DAY = 24 * 3600;
const EXTRA_KINDS = [["service", "Service"]] as const;

abstract class Stamped extends models.Model {
  created = models.DateTimeField({ null: true });

  static Meta = {
    abstract: true,
    ordering: ["-created"],
  } satisfies models.Meta;
}

export class Product extends Stamped {
  code = CodeField({ unique: true });
  name = models.CharField({ maxLength: NAME_LENGTH + 10 });
  kind = models.CharField({ maxLength: 10, choices: [...KINDS, ...EXTRA_KINDS], default: KINDS[0][0] });
  status = models.CharField({ maxLength: 10, choices: Status.choices, default: Status.Published });
  price = MoneyField({ maxDigits: 14 });
  tax = MoneyField({ null: true });
  ttl = models.IntegerField({ default: 7 * SECONDS_PER_DAY });
  offset = models.IntegerField({ default: -CODE_LENGTH });
  discount = MoneyField({ default: "0.00" });

  static Meta = {
    ...Stamped.Meta,
    dbTable: `${PREFIX}_product`,
    verboseName: `${PREFIX} product`,
  };
}

export class Member extends models.Model {
  title = models.CharField({ maxLength: Limits.note });
  role = models.CharField({ maxLength: 10, choices: Role, default: Role.SUPER_ADMIN });
  priority = models.IntegerField({ default: Priority.Low });

  static Meta = {
    indexes: [models.Index({ fields: ["role", "priority"], name: `${PREFIX}_member_role_idx` })],
  };
}
