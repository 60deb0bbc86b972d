import { models } from "tsmigrate";

export class Sample extends models.Model {
  flag = models.BooleanField({ default: false });
  email = models.EmailField({ maxLength: 300 });
  url = models.URLField({ null: true, maxLength: 500 });
  uid = models.UUIDField({ null: true, unique: true });
  ip = models.GenericIPAddressField({ null: true });
  data = models.JSONField({ null: true });
  amount = models.PositiveBigIntegerField({ default: 0 });
  small = models.IntegerField({ default: 0 });
  tiny = models.PositiveSmallIntegerField({ default: 1 });
  big = models.BigIntegerField({ null: true });
  ratio = models.DecimalField({ null: true, maxDigits: 6, decimalPlaces: 3 });
  span = models.DurationField({ null: true });
  blob = models.BinaryField({ null: true });
  attachment = models.FileField({ null: true, maxLength: 255 });
  taken = models.DateTimeField({ null: true });
  at = models.TimeField({ null: true });
  slug = models.SlugField({ maxLength: 60, null: true, dbIndex: false });
  score = models.SmallIntegerField({ null: true });
}
