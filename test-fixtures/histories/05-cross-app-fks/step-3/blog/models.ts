import { models } from "tsmigrate";

export class Post extends models.Model {
  title = models.CharField({ maxLength: 200 });
  author = models.ForeignKey("accounts.User", { onDelete: models.CASCADE });
  body = models.TextField();
  reviewer = models.ForeignKey("accounts.User", { onDelete: models.SET_NULL, null: true, relatedName: "reviewed_posts" });
}

export class Comment extends models.Model {
  post = models.ForeignKey(Post, { onDelete: models.CASCADE, relatedName: "comments" });
  author = models.ForeignKey("accounts.User", { onDelete: models.SET_NULL, null: true });
  text = models.TextField();
  created = models.DateTimeField({ null: true });
}
