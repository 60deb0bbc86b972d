// The project's shared building blocks, imported by every app.
import { models } from "tsmigrate";

export const SLUG_LENGTH = 60;

export enum Language {
  English = "en",
  French = "fr",
  PORTUGUESE_BR = "pt-br",
}

export const Visibility = models.IntegerChoices({
  Draft: 0,
  Members: [1, "Members only"],
  Public: 2,
});

export const SlugField = (options: { unique?: boolean } = {}) => models.SlugField({ maxLength: SLUG_LENGTH, ...options });

export abstract class TimeStamped extends models.Model {
  createdAt = models.DateTimeField({ null: true });
  updatedAt = models.DateTimeField({ null: true });

  static Meta = { abstract: true, getLatestBy: "createdAt" } satisfies models.Meta;
}

export abstract class Publishable extends TimeStamped {
  visibility = models.SmallIntegerField({ choices: Visibility.choices, default: Visibility.Draft });
  language = models.CharField({ maxLength: 5, choices: Language, default: Language.English });

  static Meta = {
    ...TimeStamped.Meta,
    abstract: true,
    ordering: ["-createdAt"],
    indexes: [models.Index({ fields: ["visibility", "language"], name: "%(app_label)s_%(class)s_vis" })],
  } satisfies models.Meta;
}
