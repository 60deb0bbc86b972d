import { models as m } from "tsmigrate";
import * as cfg from "../config";
import { EMAIL_LENGTH, T } from "../config";

const contactFields = ["email", "phone"] as const;
const extraFields = ["name"] as const;

export class Contact extends m.Model {
  email = m.EmailField({ maxLength: EMAIL_LENGTH, unique: true });
  phone = m.CharField({ maxLength: cfg.PHONE_LENGTH, blank: true, default: "" });
  name = m.CharField({ maxLength: EMAIL_LENGTH - 54, dbColumn: `${T.PREFIX}_name` });

  static Meta = {
    dbTable: cfg.Tables.CONTACT,
    indexes: [m.Index({ fields: [...contactFields, ...extraFields], name: `${T.PREFIX}_contact_idx` })],
  };
}

export class Call extends m.Model {
  contact = m.ForeignKey(Contact, { onDelete: m.CASCADE, relatedName: `${T.PREFIX}_calls` });
  minutes = m.IntegerField({ default: 60 / 4 });
  note = m.CharField({ maxLength: 10 * 10, default: "n/" + "a" });
}
