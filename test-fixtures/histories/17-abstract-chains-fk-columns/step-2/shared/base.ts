// Abstract bases shared by the apps: not an app (no models.ts here).
import { models } from "tsmigrate";

export abstract class Timestamped extends models.Model {
  created = models.DateTimeField({ null: true });
  updated = models.DateTimeField({ null: true });

  static Meta = {
    abstract: true,
    getLatestBy: "created",
  } satisfies models.Meta;
}

export abstract class Owned extends Timestamped {
  owner = models.CharField({ maxLength: 40, default: "" });

  static Meta = {
    ...Timestamped.Meta,
    abstract: true,
    ordering: ["owner"],
  } satisfies models.Meta;
}

export enum Visibility {
  Private = 0,
  Team = 1,
  Public = 2,
}

export const SHORT = 40;
export const LONG = SHORT * 4;
