export const BOOK_ORDER = ["title", "-published"] as const;
export const PERMISSIONS = [["can_lend", "Can lend books"]] as const;
export class Names {
  static readonly APP = "library";
  static readonly BOOKS = `${Names.APP}_books`;
}
