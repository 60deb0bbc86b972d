import { models } from "tsmigrate";

export class Question extends models.Model {
  text = models.CharField({ maxLength: 100 });
}

export class Answer extends models.Model {
  question = models.ForeignKey(Question, { onDelete: models.CASCADE });
  text = models.CharField({ maxLength: 100 });
}

export class Choice extends models.Model {
  question = models.ForeignKey(Question, { onDelete: models.CASCADE });
  label = models.CharField({ maxLength: 40 });

  static Meta = { orderWithRespectTo: "question" };
}
