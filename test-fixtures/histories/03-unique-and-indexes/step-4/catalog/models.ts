import { models } from "tsmigrate";

export class Book extends models.Model {
  isbn = models.CharField({ maxLength: 13 });
  title = models.CharField({ maxLength: 100 });
  pages = models.IntegerField({ default: 0, dbIndex: true });

  static Meta = {
    indexes: [
      models.Index({ fields: ["title", "-pages"], name: "catalog_title_pages_idx" }),
      models.Index({ fields: ["isbn"], name: "catalog_isbn_long_idx", condition: models.Q({ pages__gt: 100 }) }),
    ],
  };
}
