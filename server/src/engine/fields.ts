/**
 * The field types of the model language: which options each accepts and
 * requires, Django's defaults, and which options reach the database.
 *
 * Follows `django/db/models/fields/__init__.py` and `fields/related.py`
 * (Django 3.2): option names are Django's in camelCase (`max_length` is
 * `maxLength`).
 */

/** Every field class of the model language (Django's set). */
export const FIELD_TYPES = [
  "AutoField", "BigAutoField", "SmallAutoField",
  "BooleanField", "CharField", "TextField", "SlugField", "EmailField", "URLField", "UUIDField",
  "IntegerField", "BigIntegerField", "SmallIntegerField",
  "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
  "FloatField", "DecimalField", "DateField", "DateTimeField", "TimeField", "DurationField",
  "BinaryField", "JSONField", "GenericIPAddressField", "FileField", "ImageField",
  "ForeignKey", "OneToOneField", "ManyToManyField",
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

/** `onDelete` values (Django's `models.CASCADE` ...), stored by name. */
export const ON_DELETE = ["CASCADE", "PROTECT", "RESTRICT", "SET_NULL", "SET_DEFAULT", "DO_NOTHING"] as const;

/** Options every field accepts (`Field.__init__`). */
export const COMMON_OPTIONS = [
  "verboseName", "primaryKey", "unique", "blank", "null", "dbIndex", "default", "editable",
  "serialize", "uniqueForDate", "uniqueForMonth", "uniqueForYear", "choices", "helpText",
  "dbColumn", "dbTablespace", "autoCreated", "errorMessages",
] as const;

const RELATED_OPTIONS = ["to", "relatedName", "relatedQueryName", "limitChoicesTo", "dbConstraint"] as const;

/** Per-type facts. */
export interface FieldTypeSpec {
  /** Options accepted besides {@link COMMON_OPTIONS}. */
  readonly options: readonly string[];
  /** Options that must be given (Django's system checks fields.E120, E130, E132, ...). */
  readonly required: readonly string[];
  /** Django's defaults for options the user left out (`EmailField` maxLength 254, ...). */
  readonly defaults: Readonly<Record<string, string | number | boolean>>;
  /** Django's `get_internal_type()`: the key of the backends' data-type tables. */
  readonly internalType: string;
  /** Set for ForeignKey, OneToOneField and ManyToManyField. */
  readonly relation?: "many-to-one" | "one-to-one" | "many-to-many";
  /** AutoField, BigAutoField, SmallAutoField. */
  readonly auto?: boolean;
}

const dates = ["autoNow", "autoNowAdd"];
const fk = [...RELATED_OPTIONS, "onDelete", "toField"];

/** The registry: one entry per field type. */
export const FIELD_SPECS: Readonly<Record<FieldType, FieldTypeSpec>> = {
  AutoField: { options: [], required: [], defaults: {}, internalType: "AutoField", auto: true },
  BigAutoField: { options: [], required: [], defaults: {}, internalType: "BigAutoField", auto: true },
  SmallAutoField: { options: [], required: [], defaults: {}, internalType: "SmallAutoField", auto: true },
  BooleanField: { options: [], required: [], defaults: {}, internalType: "BooleanField" },
  CharField: { options: ["maxLength", "dbCollation"], required: ["maxLength"], defaults: {}, internalType: "CharField" },
  TextField: { options: ["maxLength", "dbCollation"], required: [], defaults: {}, internalType: "TextField" },
  SlugField: {
    options: ["maxLength", "allowUnicode", "dbCollation"], required: [],
    defaults: { maxLength: 50, dbIndex: true }, internalType: "SlugField",
  },
  EmailField: { options: ["maxLength", "dbCollation"], required: [], defaults: { maxLength: 254 }, internalType: "CharField" },
  URLField: { options: ["maxLength", "dbCollation"], required: [], defaults: { maxLength: 200 }, internalType: "CharField" },
  UUIDField: { options: [], required: [], defaults: {}, internalType: "UUIDField" },
  IntegerField: { options: [], required: [], defaults: {}, internalType: "IntegerField" },
  BigIntegerField: { options: [], required: [], defaults: {}, internalType: "BigIntegerField" },
  SmallIntegerField: { options: [], required: [], defaults: {}, internalType: "SmallIntegerField" },
  PositiveIntegerField: { options: [], required: [], defaults: {}, internalType: "PositiveIntegerField" },
  PositiveBigIntegerField: { options: [], required: [], defaults: {}, internalType: "PositiveBigIntegerField" },
  PositiveSmallIntegerField: { options: [], required: [], defaults: {}, internalType: "PositiveSmallIntegerField" },
  FloatField: { options: [], required: [], defaults: {}, internalType: "FloatField" },
  DecimalField: {
    options: ["maxDigits", "decimalPlaces"], required: ["maxDigits", "decimalPlaces"], defaults: {}, internalType: "DecimalField",
  },
  DateField: { options: dates, required: [], defaults: {}, internalType: "DateField" },
  DateTimeField: { options: dates, required: [], defaults: {}, internalType: "DateTimeField" },
  TimeField: { options: dates, required: [], defaults: {}, internalType: "TimeField" },
  DurationField: { options: [], required: [], defaults: {}, internalType: "DurationField" },
  BinaryField: { options: ["maxLength"], required: [], defaults: { editable: false }, internalType: "BinaryField" },
  JSONField: { options: [], required: [], defaults: {}, internalType: "JSONField" },
  GenericIPAddressField: {
    options: ["protocol", "unpackIpv4"], required: [], defaults: {}, internalType: "GenericIPAddressField",
  },
  FileField: { options: ["uploadTo", "maxLength"], required: [], defaults: { maxLength: 100 }, internalType: "FileField" },
  ImageField: {
    options: ["uploadTo", "maxLength", "widthField", "heightField"], required: [],
    defaults: { maxLength: 100 }, internalType: "FileField",
  },
  ForeignKey: { options: fk, required: ["to", "onDelete"], defaults: { dbIndex: true }, internalType: "ForeignKey", relation: "many-to-one" },
  OneToOneField: {
    options: [...fk, "parentLink"], required: ["to", "onDelete"], defaults: { dbIndex: true, unique: true }, internalType: "OneToOneField", relation: "one-to-one",
  },
  ManyToManyField: {
    options: [...RELATED_OPTIONS, "symmetrical", "through", "throughFields", "dbTable"], required: ["to"],
    defaults: {}, internalType: "ManyToManyField", relation: "many-to-many",
  },
};

/** True when `name` is a field type of the model language. */
export function isFieldType(name: string): name is FieldType {
  return Object.prototype.hasOwnProperty.call(FIELD_SPECS, name);
}

/** Every option name `type` accepts (common ones included). */
export function allowedOptions(type: FieldType): ReadonlySet<string> {
  let set = allowedCache.get(type);
  if (!set) {
    set = new Set<string>([...COMMON_OPTIONS, ...FIELD_SPECS[type].options]);
    allowedCache.set(type, set);
  }
  return set;
}
const allowedCache = new Map<FieldType, ReadonlySet<string>>();
