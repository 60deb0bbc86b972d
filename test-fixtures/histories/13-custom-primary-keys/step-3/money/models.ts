import { models } from "tsmigrate";

export class Currency extends models.Model {
  code = models.CharField({ maxLength: 5, primaryKey: true });
  name = models.CharField({ maxLength: 40 });
}

export class Price extends models.Model {
  currency = models.ForeignKey(Currency, { onDelete: models.PROTECT });
  amount = models.DecimalField({ maxDigits: 12, decimalPlaces: 2 });
}

export class Rate extends models.Model {
  id = models.AutoField({ primaryKey: true });
  base = models.ForeignKey(Currency, { onDelete: models.CASCADE, relatedName: "base_rates" });
  quote = models.ForeignKey(Currency, { onDelete: models.CASCADE, relatedName: "quote_rates", toField: "code" });
  value = models.FloatField();
}

export class Ledger extends models.Model {
  ref = models.UUIDField({ primaryKey: true });
  note = models.CharField({ maxLength: 30, blank: true });
}
