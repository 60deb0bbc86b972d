import { models } from "tsmigrate";

export class Book extends models.Model {
  isbn = models.CharField({ maxLength: 13 });
  title = models.CharField({ maxLength: 100 });
  pages = models.IntegerField({ default: 0 });

  static Meta = {
    indexes: [
      models.Index({ fields: ["isbn"], name: "catalog_isbn_long_idx", condition: models.Q({ pages__gt: 100 }) }),
      models.Index({ fields: ["-title"], name: "catalog_title_desc_idx" }),
    ],
  };
}
