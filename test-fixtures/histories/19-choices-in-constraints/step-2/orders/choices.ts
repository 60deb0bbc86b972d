import { models } from "tsmigrate";

export const Status = models.TextChoices({
  New: "new",
  Paid: "paid",
  Shipped: ["shipped", "Shipped to customer"],
  Returned: "returned",
});

export enum Channel {
  Web = 1,
  Shop = 2,
  Phone = 3,
  Partner = 4,
}

export const REGIONS = [
  ["Europe", [["fr", "France"], ["de", "Germany"]]],
  ["America", [["us", "United States"]]],
] as const;

export const MIN_QUANTITY = 2;
