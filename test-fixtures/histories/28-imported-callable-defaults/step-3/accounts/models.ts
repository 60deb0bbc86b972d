import { models } from "tsmigrate";
import * as tokens from "../lib/tokens";

export class ApiKey extends models.Model {
  label = models.CharField({ maxLength: 30 });
  token = models.CharField({ maxLength: 10, default: tokens.newToken, unique: true });
  code = models.CharField({ maxLength: 30, default: tokens.newCode });
  expires = models.DateTimeField({ default: tokens.expiresAt, null: true });
}

export class Invite extends models.Model {
  key = models.ForeignKey(ApiKey, { onDelete: models.CASCADE });
  // Another imported function (AlterField).
  code = models.CharField({ maxLength: 30, default: tokens.newToken });
}
