import { models } from "tsmigrate";
import { SlugField, TimeStamped } from "../core/models-base";

export const USERNAME_LENGTH = 30;

export class Author extends TimeStamped {
  username = models.CharField({ maxLength: USERNAME_LENGTH, unique: true });
  handle = SlugField({ unique: true });
  bio = models.TextField({ blank: true, default: "" });
}
