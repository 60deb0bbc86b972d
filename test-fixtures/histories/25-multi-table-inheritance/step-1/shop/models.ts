import { models } from "tsmigrate";

abstract class Stamped extends models.Model {
  created = models.DateTimeField({ autoNowAdd: true });

  static Meta: models.Meta = { abstract: true };
}

export class Product extends Stamped {
  name = models.CharField({ maxLength: 100 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2, default: 0 });
}

/** Multi-table inheritance: shop_book holds product_ptr_id and its own columns. */
export class Book extends Product {
  isbn = models.CharField({ maxLength: 13, unique: true });
  pages = models.IntegerField({ default: 0 });
}

/** Two levels: shop_ebook.book_ptr_id references shop_book.product_ptr_id. */
export class Ebook extends Book {
  fileSize = models.IntegerField({ default: 0 });
}

export class Shelf extends models.Model {
  label = models.CharField({ maxLength: 30 });
  book = models.ForeignKey(Book, { onDelete: models.CASCADE, relatedName: "shelves" });
  product = models.ForeignKey(Product, { onDelete: models.SET_NULL, null: true, relatedName: "+" });
}
