import { models } from "tsmigrate";

export class User extends models.Model {
  username = models.CharField({ maxLength: 40, unique: true });
  email = models.EmailField();
}

export class Profile extends models.Model {
  user = models.OneToOneField(User, { onDelete: models.CASCADE });
  bio = models.TextField({ blank: true, default: "" });
}
