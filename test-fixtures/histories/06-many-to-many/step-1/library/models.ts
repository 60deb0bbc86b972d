import { models } from "tsmigrate";

export class Tag extends models.Model {
  name = models.CharField({ maxLength: 30, unique: true });
}

export class Article extends models.Model {
  title = models.CharField({ maxLength: 120 });
}
