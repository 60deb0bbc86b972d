import { models } from "tsmigrate";

export class Author extends models.Model {
  name = models.CharField({ maxLength: 60 });
}

export class Book extends models.Model {
  title = models.CharField({ maxLength: 100 });
  author = models.ForeignKey(Author, { onDelete: models.CASCADE });
  year = models.IntegerField({ default: 2000 });
  editor = models.ForeignKey(Author, { onDelete: models.SET_NULL, null: true, relatedName: "edited_books" });
}
