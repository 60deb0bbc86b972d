import { models } from "tsmigrate";

export class Category extends models.Model {
  name = models.CharField({ maxLength: 50 });
  description = models.TextField({ blank: true });
}
