import { models } from "tsmigrate";
import { Project } from "../projects/models";
import { SHORT, Timestamped } from "../shared/base";

const Severity = models.IntegerChoices({ Minor: 1, Major: 5, Blocker: [9, "Blocks a release"] });

export class Ticket extends Timestamped {
  project = models.ForeignKey(Project, { onDelete: models.CASCADE });
  number = models.IntegerField();
  title = models.CharField({ maxLength: SHORT * 2 });
  severity = models.IntegerField({ choices: Severity.choices, default: Severity.Minor });

  static Meta = {
    ...Timestamped.Meta,
    uniqueTogether: [["project_id", "number"]],
    indexes: [models.Index({ fields: ["project_id", "-severity"], name: "tracker_proj_sev_idx" })],
  };
}

export class Note extends Timestamped {
  ticket = models.ForeignKey(Ticket, { onDelete: models.CASCADE });
  body = models.TextField({ default: "" });

  static Meta = Timestamped.Meta;
}
