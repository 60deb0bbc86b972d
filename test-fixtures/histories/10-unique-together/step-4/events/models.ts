import { models } from "tsmigrate";

export class Event extends models.Model {
  venue = models.CharField({ maxLength: 40 });
  day = models.DateField();
  slot = models.IntegerField({ default: 1 });

  static Meta = {
    ordering: ["day"],
  };
}
