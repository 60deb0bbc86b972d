import { models } from "tsmigrate";

export class Book extends models.Model {
  isbn = models.CharField({ maxLength: 13 });
  title = models.CharField({ maxLength: 100 });
  pages = models.IntegerField({ default: 0 });
}
