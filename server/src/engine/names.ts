/**
 * Django's generated identifier names, byte for byte, so that indexes and
 * constraints made by tsmigrate carry the names Django would give them.
 */
import { createHash } from "node:crypto";

/**
 * Digests already computed: a migration's SQL names each index several times
 * (created, compared, re-created), and an MD5 costs more than the lookup.
 * Bounded: cleared when full (a language server runs for days).
 */
const digests = new Map<string, string>();
const DIGESTS_KEPT = 20_000;

/**
 * Django's `names_digest(*args, length)` (`django/db/backends/utils.py`):
 * the first `length` hex digits of the MD5 of the arguments concatenated.
 */
function namesDigest(args: readonly string[], length: number): string {
  const key = `${length}\0${args.join("\0")}`;
  const known = digests.get(key);
  if (known !== undefined) return known;
  const h = createHash("md5");
  for (const a of args) h.update(a, "utf8");
  const digest = h.digest("hex").slice(0, length);
  if (digests.size >= DIGESTS_KEPT) digests.clear();
  digests.set(key, digest);
  return digest;
}

/**
 * Django's `truncate_name(identifier, length, hash_len=4)`: names longer
 * than `length` are cut and end in a 4-digit digest. `length` undefined
 * (SQLite) keeps the name whole.
 */
export function truncateName(identifier: string, length?: number, hashLen = 4): string {
  if (length === undefined || identifier.length <= length) return identifier;
  return identifier.slice(0, length - hashLen) + namesDigest([identifier], hashLen);
}

/**
 * Django's `BaseDatabaseSchemaEditor._create_index_name(table, columns, suffix)`
 * (Django 3.2): `<table>_<col1_col2>_<8 hex><suffix>`, shortened to
 * `maxLength` (200 on SQLite, 63 on PostgreSQL) the way Django shortens it.
 */
export function createIndexName(table: string, columns: readonly string[], suffix = "", maxLength = 200): string {
  let hashSuffix = namesDigest([table, ...columns], 8) + suffix;
  let name = `${table}_${columns.join("_")}_${hashSuffix}`;
  if (name.length <= maxLength) return name;
  if (hashSuffix.length > maxLength / 3) hashSuffix = hashSuffix.slice(0, Math.floor(maxLength / 3));
  const other = Math.floor((maxLength - hashSuffix.length) / 2) - 1;
  name = `${table.slice(0, other)}_${columns.join("_").slice(0, other)}_${hashSuffix}`;
  if (name[0] === "_" || /[0-9]/.test(name[0]!)) name = `D${name.slice(0, -1)}`;
  return name;
}

/**
 * Django's `Index.set_name_with_model()` (Django 3.2) for an index declared
 * without a name: `<table[:11]>_<column[:7]>_<6 hex>_idx`. `columnsWithOrder`
 * are column names, `-` prefixed when descending.
 */
export function defaultIndexName(table: string, columnsWithOrder: readonly string[]): string {
  const suffix = "idx";
  const first = columnsWithOrder[0]!.replace(/^-/, "");
  let name = `${table.slice(0, 11)}_${first.slice(0, 7)}_${namesDigest([table, ...columnsWithOrder, suffix], 6)}_${suffix}`;
  if (name[0] === "_" || /[0-9]/.test(name[0]!)) name = `D${name.slice(1)}`;
  return name;
}
