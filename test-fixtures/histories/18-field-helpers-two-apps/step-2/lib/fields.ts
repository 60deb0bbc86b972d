// Field helpers shared by the apps (a project's "custom fields"): not an app.
import { models } from "tsmigrate";

export const CURRENCY_LENGTH = 4;
export const CASCADE = models.CASCADE;

export const MoneyField = (options: Partial<models.DecimalFieldOptions> = {}) =>
  models.DecimalField({ maxDigits: 16, decimalPlaces: 4, default: "0.00", ...options });

export function CurrencyField(options: { default?: string; blank?: boolean } = {}) {
  return models.CharField({ maxLength: CURRENCY_LENGTH, default: "EUR", ...options });
}

export const SlugField = (length = 50) => models.SlugField({ maxLength: length, unique: true });
