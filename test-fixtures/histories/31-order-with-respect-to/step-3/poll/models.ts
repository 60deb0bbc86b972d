import { models } from "tsmigrate";

export class Question extends models.Model {
  text = models.CharField({ maxLength: 100 });
}

export class Person extends models.Model {
  name = models.CharField({ maxLength: 60 });
}

export class Answer extends models.Model {
  question = models.ForeignKey(Question, { onDelete: models.CASCADE });
  text = models.CharField({ maxLength: 100 });
  author = models.ForeignKey(Person, { onDelete: models.CASCADE, null: true });

  static Meta = { orderWithRespectTo: "author" };
}

export class Choice extends models.Model {
  question = models.ForeignKey(Question, { onDelete: models.CASCADE });
  label = models.CharField({ maxLength: 40 });
  note = models.TextField({ blank: true, default: "" });

  static Meta = { orderWithRespectTo: "question" };
}

export class Tag extends models.Model {
  question = models.ForeignKey(Question, { onDelete: models.CASCADE });
  word = models.CharField({ maxLength: 20 });

  static Meta = { orderWithRespectTo: "question" };
}
