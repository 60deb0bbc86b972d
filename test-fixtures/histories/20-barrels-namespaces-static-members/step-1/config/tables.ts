export class Tables {
  static readonly PREFIX = "crm";
  static readonly CONTACT = `${Tables.PREFIX}_contacts`;
}
