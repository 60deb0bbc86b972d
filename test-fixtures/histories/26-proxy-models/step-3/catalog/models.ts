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

/** Was a proxy: now a multi-table child with a table of its own (Django: DeleteModel, then CreateModel). */
export class ArchivedItem extends Item {
  reason = models.CharField({ maxLength: 40, default: "" });

  static Meta = { ordering: ["-id"] };
}

export class Tag extends models.Model {
  label = models.CharField({ maxLength: 20 });
  item = models.ForeignKey(FeaturedItem, { onDelete: models.CASCADE, relatedName: "tags" });
}
