import { models } from "tsmigrate";
import { Author } from "../accounts/models";
import { Publishable, SlugField } from "../core/models-base";

const TITLE_LENGTH = 2 * 100;

export class Post extends Publishable {
  author = models.ForeignKey(Author, { onDelete: models.CASCADE, relatedName: "posts" });
  title = models.CharField({ maxLength: TITLE_LENGTH });
  slug = SlugField();

  static Meta = {
    ...Publishable.Meta,
    uniqueTogether: [["author_id", "slug"]],
  };
}

export class Page extends Publishable {
  path = models.CharField({ maxLength: TITLE_LENGTH + 55, unique: true });
}
