import { models } from "tsmigrate";

export class Sample extends models.Model {
  flag = models.BooleanField({ default: false });
  email = models.EmailField({ maxLength: 300 });
  uid = models.UUIDField({ null: true, unique: true });
  data = models.JSONField({ null: true });
  amount = models.PositiveBigIntegerField({ default: 0 });
  small = models.IntegerField({ default: 0 });
  big = models.BigIntegerField({ null: true });
  ratio = models.DecimalField({ null: true, maxDigits: 6, decimalPlaces: 3 });
  taken = models.DateTimeField({ null: true });
  slug = models.SlugField({ maxLength: 60, null: true });
  score = models.SmallIntegerField({ null: true });
  image = models.ImageField({ null: true });
}
