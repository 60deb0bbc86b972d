import { models } from "tsmigrate";

export class Author extends models.Model {
  name = models.CharField({ maxLength: 60 });
}

export class Publisher extends models.Model {
  name = models.CharField({ maxLength: 80, unique: true });
}

export class Book extends models.Model {
  title = models.CharField({ maxLength: 100 });
  author = models.ForeignKey(Author, { onDelete: models.SET_NULL, null: true });
  year = models.IntegerField({ default: 2000 });
  publisher = models.ForeignKey(Publisher, { onDelete: models.RESTRICT, null: true });
}
