import { models } from "tsmigrate";

/** A project's own field: a DecimalField with the shop's precision; options merged in. */
export const MoneyField = (options: Partial<models.DecimalFieldOptions> = {}) =>
  models.DecimalField({ maxDigits: 12, decimalPlaces: 2, ...options });

export function CodeField(options: { unique?: boolean } = {}) {
  return models.CharField({ maxLength: 8, ...options });
}
