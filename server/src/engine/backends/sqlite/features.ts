/**
 * The SQLite flavor: Django 3.2's `data_types`, `data_type_check_constraints`,
 * `data_types_suffix` and `operators` of `django/db/backends/sqlite3/base.py`.
 */
import type { WellKnownCallable } from "../../callables";
import { currentTimeSql } from "../base/columns";
import type { DatabaseFlavor } from "../base/features";
import { quoteString, renderLiteral } from "../base/literals";

/** Random hex digits, uppercase (`hex(randomblob(n))` gives 2n): a fresh value per row, as randomblob is not constant. */
const rand = (bytes: number) => `hex(randomblob(${bytes}))`;

/**
 * A random version 4 UUID computed by SQLite per row (RFC 4122: version
 * nibble 4, variant nibble 8, 9, a or b), lowercase; `sep` between the
 * 8-4-4-4-12 groups ("" for Django's 32-digit UUIDField storage, "-" for
 * the canonical text form).
 */
function randomUuidSql(sep: string): string {
  const s = sep ? ` || '${sep}' || ` : " || ";
  return `lower(${rand(4)}${s}${rand(2)}${s}'4' || substr(${rand(2)}, 2)${s}` +
    `substr('89ab', 1 + (abs(random()) % 4), 1) || substr(${rand(2)}, 2)${s}${rand(6)})`;
}

/** SQLite's per-row expressions of well-known callable defaults (see {@link DatabaseFlavor.perRowDefaultSql}). */
function perRowDefaultSql(kind: WellKnownCallable, internalType: string): string | undefined {
  if (kind === "now") return currentTimeSql(internalType);
  return randomUuidSql(internalType === "UUIDField" ? "" : "-");
}

/** SQLite's facts for the vendor-neutral DDL code. */
export const SQLITE_FLAVOR: DatabaseFlavor = {
  vendor: "sqlite",
  dataTypes: {
    AutoField: "integer",
    BigAutoField: "integer",
    BinaryField: "BLOB",
    BooleanField: "bool",
    CharField: "varchar(%(max_length)s)",
    DateField: "date",
    DateTimeField: "datetime",
    DecimalField: "decimal",
    DurationField: "bigint",
    FileField: "varchar(%(max_length)s)",
    FilePathField: "varchar(%(max_length)s)",
    FloatField: "real",
    IntegerField: "integer",
    BigIntegerField: "bigint",
    IPAddressField: "char(15)",
    GenericIPAddressField: "char(39)",
    JSONField: "text",
    NullBooleanField: "bool",
    OneToOneField: "integer",
    PositiveBigIntegerField: "bigint unsigned",
    PositiveIntegerField: "integer unsigned",
    PositiveSmallIntegerField: "smallint unsigned",
    SlugField: "varchar(%(max_length)s)",
    SmallAutoField: "integer",
    SmallIntegerField: "smallint",
    TextField: "text",
    TimeField: "time",
    UUIDField: "char(32)",
  },
  dataTypeCheckConstraints: {
    PositiveBigIntegerField: '"%(column)s" >= 0',
    JSONField: '(JSON_VALID("%(column)s") OR "%(column)s" IS NULL)',
    PositiveIntegerField: '"%(column)s" >= 0',
    PositiveSmallIntegerField: '"%(column)s" >= 0',
  },
  dataTypesSuffix: {
    AutoField: "AUTOINCREMENT",
    BigAutoField: "AUTOINCREMENT",
    SmallAutoField: "AUTOINCREMENT",
  },
  operators: {
    exact: "= %s",
    iexact: "LIKE %s ESCAPE '\\'",
    contains: "LIKE %s ESCAPE '\\'",
    icontains: "LIKE %s ESCAPE '\\'",
    gt: "> %s",
    gte: ">= %s",
    lt: "< %s",
    lte: "<= %s",
    in: "IN %s",
    startswith: "LIKE %s ESCAPE '\\'",
    endswith: "LIKE %s ESCAPE '\\'",
    istartswith: "LIKE %s ESCAPE '\\'",
    iendswith: "LIKE %s ESCAPE '\\'",
  },
  maxNameLength: undefined,
  relatedFieldsMatchType: false,
  inlineForeignKeys: true,
  collateSql: (collation: string) => ` COLLATE ${collation}`,
  supportsDeferrableUnique: false,
  sqlDeleteTable: "DROP TABLE %(table)s",
  quoteValue: renderLiteral,
  quoteDecimal: quoteString,
  quoteUuid: quoteString,
  perRowDefaultSql,
};
