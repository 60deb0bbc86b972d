import { models } from "tsmigrate";
import { Book, Magazine, Product } from "../shop/models";

/** A child of a model of another app. */
export class GiftCard extends Product {
  code = models.CharField({ maxLength: 20, unique: true });
  balance = models.DecimalField({ maxDigits: 8, decimalPlaces: 2, default: 0 });
}

export class Review extends models.Model {
  book = models.ForeignKey(Book, { onDelete: models.CASCADE });
  ebook = models.ForeignKey("shop.Ebook", { onDelete: models.CASCADE, null: true });
  card = models.OneToOneField(GiftCard, { onDelete: models.PROTECT, null: true });
  magazine = models.ForeignKey(Magazine, { onDelete: models.CASCADE, null: true });
  stars = models.SmallIntegerField({ default: 3 });
}
