import { models } from "tsmigrate";
import { newToken } from "../lib/tokens";

export class ApiKey extends models.Model {
  label = models.CharField({ maxLength: 30 });
  token = models.CharField({ maxLength: 10, default: newToken, unique: true });
  code = models.CharField({ maxLength: 30, default: "none" });
}
