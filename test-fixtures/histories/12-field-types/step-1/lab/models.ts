import { models } from "tsmigrate";

export class Sample extends models.Model {
  flag = models.BooleanField({ default: false });
  email = models.EmailField();
  url = models.URLField({ null: true });
  uid = models.UUIDField({ null: true });
  ip = models.GenericIPAddressField({ null: true });
  data = models.JSONField({ null: true });
  amount = models.PositiveIntegerField({ default: 0 });
  small = models.SmallIntegerField({ default: 0 });
  tiny = models.PositiveSmallIntegerField({ default: 1 });
  big = models.BigIntegerField({ null: true });
  ratio = models.FloatField({ null: true });
  span = models.DurationField({ null: true });
  blob = models.BinaryField({ null: true });
  attachment = models.FileField({ null: true });
  taken = models.DateTimeField({ null: true });
  at = models.TimeField({ null: true });
  slug = models.SlugField({ maxLength: 60, null: true });
}
