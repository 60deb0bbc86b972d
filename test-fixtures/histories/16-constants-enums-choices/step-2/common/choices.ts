// Shared constants of the project: not an app (no models.ts here).
import { models } from "tsmigrate";

export const CODE_LENGTH = 8;
export const NAME_LENGTH = CODE_LENGTH * 4 + 8;

export const KINDS = [
  ["physical", "Physical good"],
  ["digital", "Digital good"],
] as const;

export enum Role {
  Regular = "regular",
  SUPER_ADMIN = "super",
}

export const enum Priority {
  Low = 1,
  Normal,
  High = Normal * 10,
}

export const Status = models.TextChoices({
  Draft: "draft",
  Published: ["published", "Published!"],
});

export const Limits = {
  title: 120,
  note: 200,
} as const;
