import { models } from "tsmigrate";

export class Currency extends models.Model {
  code = models.CharField({ maxLength: 3, primaryKey: true });
  name = models.CharField({ maxLength: 40 });
}

export class Price extends models.Model {
  currency = models.ForeignKey(Currency, { onDelete: models.PROTECT });
  amount = models.DecimalField({ maxDigits: 12, decimalPlaces: 2 });
}
