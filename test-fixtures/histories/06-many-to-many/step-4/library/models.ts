import { models } from "tsmigrate";

export class Tag extends models.Model {
  name = models.CharField({ maxLength: 30, unique: true });
}

export class Article extends models.Model {
  title = models.CharField({ maxLength: 120 });
  related = models.ManyToManyField("self", { blank: true });
  followers = models.ManyToManyField("Reader", { relatedName: "followed_articles" });
}

export class Reader extends models.Model {
  nick = models.CharField({ maxLength: 30 });
}
