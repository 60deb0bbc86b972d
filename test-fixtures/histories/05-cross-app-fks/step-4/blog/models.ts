import { models } from "tsmigrate";

export class Post extends models.Model {
  title = models.CharField({ maxLength: 200 });
  author = models.ForeignKey("accounts.User", { onDelete: models.CASCADE });
  body = models.TextField();
}
