import { models } from "tsmigrate";
import { BOOK_ORDER, Names, PERMISSIONS } from "./options";

const baseMeta = { getLatestBy: "published", permissions: PERMISSIONS } as const;

export class Book extends models.Model {
  title = models.CharField({ maxLength: 100 });
  published = models.DateField({ null: true });
  isbn = models.CharField({ maxLength: 13, unique: true });

  static Meta = {
    ...baseMeta,
    dbTable: Names.BOOKS,
    ordering: [...BOOK_ORDER],
    verboseName: `${Names.APP} book`,
  };
}
