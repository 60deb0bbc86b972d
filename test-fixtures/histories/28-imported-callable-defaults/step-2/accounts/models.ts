import { models } from "tsmigrate";
import { newCode, newToken } from "../lib/tokens";

export class ApiKey extends models.Model {
  label = models.CharField({ maxLength: 30 });
  token = models.CharField({ maxLength: 10, default: newToken, unique: true });
  // A literal default becomes an imported function.
  code = models.CharField({ maxLength: 30, default: newCode });
}

export class Invite extends models.Model {
  key = models.ForeignKey(ApiKey, { onDelete: models.CASCADE });
  code = models.CharField({ maxLength: 30, default: newCode });
}
