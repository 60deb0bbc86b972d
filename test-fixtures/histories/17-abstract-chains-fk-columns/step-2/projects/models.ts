import { models } from "tsmigrate";
import { LONG, Owned, SHORT, Visibility } from "../shared/base";

export class Project extends Owned {
  name = models.CharField({ maxLength: SHORT, unique: true });
  summary = models.CharField({ maxLength: LONG, blank: true, default: "" });
  visibility = models.SmallIntegerField({ choices: Visibility, default: Visibility.Team });

  static Meta = {
    ...Owned.Meta,
    verboseName: "project",
  };
}
