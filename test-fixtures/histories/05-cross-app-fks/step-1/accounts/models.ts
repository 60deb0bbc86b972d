import { models } from "tsmigrate";

export class User extends models.Model {
  username = models.CharField({ maxLength: 40, unique: true });
  email = models.EmailField();
}
