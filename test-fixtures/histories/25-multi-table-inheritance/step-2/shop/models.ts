import { models } from "tsmigrate";

abstract class Stamped extends models.Model {
  created = models.DateTimeField({ autoNowAdd: true });

  static Meta: models.Meta = { abstract: true };
}

export class Product extends Stamped {
  name = models.CharField({ maxLength: 100 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2, default: 0 });
  sku = models.CharField({ maxLength: 20, default: "" });
}

/** Multi-table inheritance: shop_book holds product_ptr_id and its own columns. */
export class Book extends Product {
  isbn = models.CharField({ maxLength: 13, unique: true });
  pages = models.IntegerField({ default: 0 });
  edition = models.SmallIntegerField({ default: 1 });

  // Ordering by a field of the parent, as Django allows.
  static Meta = { ordering: ["name"], verboseName: "book" };
}

/** Two levels: shop_ebook.book_ptr_id references shop_book.product_ptr_id. */
export class Ebook extends Book {
  fileSize = models.IntegerField({ default: 0 });
  shelf = models.ForeignKey("Shelf", { onDelete: models.SET_NULL, null: true });
}

/** A parent link declared by hand (Django's parent_link=True): it is the primary key. */
export class Magazine extends Product {
  product = models.OneToOneField(Product, { onDelete: models.CASCADE, parentLink: true, relatedName: "magazine" });
  issue = models.IntegerField({ default: 1 });

  static Meta = { dbTable: "shop_periodical" };
}

export class Shelf extends models.Model {
  label = models.CharField({ maxLength: 30 });
  book = models.ForeignKey(Book, { onDelete: models.CASCADE, relatedName: "shelves" });
  product = models.ForeignKey(Product, { onDelete: models.SET_NULL, null: true, relatedName: "+" });
}
