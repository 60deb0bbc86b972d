import { models } from "tsmigrate";
import { Book, Product } from "../shop/models";

/** A child of a model of another app. */
export class GiftCard extends Product {
  code = models.CharField({ maxLength: 20, unique: true });
}

export class Review extends models.Model {
  book = models.ForeignKey(Book, { onDelete: models.CASCADE });
  ebook = models.ForeignKey("shop.Ebook", { onDelete: models.CASCADE, null: true });
  card = models.OneToOneField(GiftCard, { onDelete: models.PROTECT, null: true });
  stars = models.SmallIntegerField({ default: 3 });
}
