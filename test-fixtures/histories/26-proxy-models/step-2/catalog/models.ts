import { models } from "tsmigrate";

export const Kind = models.TextChoices({ Book: "b", Toy: ["t", "Toy"] });

export class Item extends models.Model {
  name = models.CharField({ maxLength: 60 });
  kind = models.CharField({ maxLength: 1, choices: Kind.choices, default: Kind.Book });
  active = models.BooleanField({ default: true });
}

/** A proxy: the same table (catalog_item), another class with its own Meta. */
export class FeaturedItem extends Item {
  static Meta: models.Meta = { proxy: true, ordering: ["name"], verboseName: "featured item", verboseNamePlural: "featured" };
}

/** A proxy of a proxy. */
export class SaleItem extends FeaturedItem {
  static Meta = { proxy: true };
}

export class ArchivedItem extends Item {
  static Meta = { proxy: true, ordering: ["-id"] };
}

export class Tag extends models.Model {
  label = models.CharField({ maxLength: 20 });
  // A foreign key to a proxy references its model's table.
  item = models.ForeignKey(FeaturedItem, { onDelete: models.CASCADE, relatedName: "tags" });
  sale = models.ForeignKey(SaleItem, { onDelete: models.SET_NULL, null: true, relatedName: "+" });
}
