export const BOOK_ORDER = ["-published", "title"] as const;
export const PERMISSIONS = [["can_lend", "Can lend books"], ["can_repair", "Can repair books"]] as const;
export class Names {
  static readonly APP = "library";
  static readonly BOOKS = `${Names.APP}_volumes`;
}
