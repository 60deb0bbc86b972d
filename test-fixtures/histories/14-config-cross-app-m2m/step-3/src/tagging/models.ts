import { models } from "tsmigrate";

export class Tag extends models.Model {
  label = models.CharField({ maxLength: 30 });
  weight = models.IntegerField({ default: 0 });
  featured = models.OneToOneField("shop.Item", { onDelete: models.SET_NULL, null: true, relatedName: "feature_tag" });
}
