import { models } from "tsmigrate";

export class Book extends models.Model {
  isbn = models.CharField({ maxLength: 13, unique: true });
  title = models.CharField({ maxLength: 100, dbIndex: true });
  pages = models.IntegerField({ default: 0 });
}
