/**
 * Type declarations of the `tsmigrate` package: the model language used in
 * `<app>/models.ts` and the migration language of `<app>/migrations/*.ts`.
 *
 * These files are read statically by tsmigrate and never executed; the
 * declarations exist so that the editor completes and checks them. Option
 * names are Django's in camelCase (`max_length` is `maxLength`).
 *
 * ```ts
 * import { models } from "tsmigrate";
 *
 * export class Product extends models.Model {
 *   name = models.CharField({ maxLength: 100, unique: true });
 *   category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true });
 *   static Meta = { ordering: ["name"] };
 * }
 * ```
 *
 * Abstract bases, and models other models extend (multi-table or proxy
 * inheritance): declare the Meta with its type so that subclasses may
 * declare their own Meta: `static Meta: models.Meta = { abstract: true };`.
 */

/** A JSON value (JSONField defaults, choices values ...). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export namespace models {
  /** What a field function returns: a marker read by tsmigrate, holding the value type `T`. */
  interface Field<T = unknown> {
    readonly __tsmigrateField: T;
  }

  /** The base class of every model. */
  abstract class Model {
    /** Django's `class Meta`. */
    static Meta?: Meta;
  }

  /** A model class (for relation targets and ManyToMany `through`). */
  type ModelClass = abstract new (...args: never[]) => Model;

  /** A relation target: a model class, a model name of the same app (`"Category"`), `"app.Model"`, or `"self"`. */
  type RelationTarget = ModelClass | string;

  /**
   * `[value, label]` pairs, or `[groupLabel, [[value, label], ...]]` groups;
   * or a TypeScript `enum` (labels from member names, as Django's
   * `TextChoices`: `SUPER_ADMIN` -> "Super Admin"); or `X.choices` of a
   * {@link TextChoices} / {@link IntegerChoices}.
   */
  type Choices<T> =
    | readonly (readonly [T, string] | readonly [string, readonly (readonly [T, string])[]])[]
    | { readonly [member: string]: T | string }; // an enum (a numeric enum maps its values back to names)

  /** Members of a choices helper: `Name: value` (label from the name) or `Name: [value, "Label"]`. */
  type ChoicesMembers<V> = { readonly [name: string]: V | readonly [V, string] };

  /** What a choices helper gives: each member's value, and Django's `choices`, `values`, `labels`. */
  type ChoicesOf<V, M extends ChoicesMembers<V>> = {
    readonly [K in keyof M]: M[K] extends readonly [infer X, string] ? X : M[K];
  } & {
    readonly choices: readonly (readonly [V, string])[];
    readonly values: readonly V[];
    readonly labels: readonly string[];
  };

  /**
   * Django's `TextChoices`, read statically:
   * `const Status = models.TextChoices({ Draft: "d", Published: ["p", "Published!"] })`,
   * then `choices: Status.choices, default: Status.Draft`.
   */
  function TextChoices<const M extends ChoicesMembers<string>>(members: M): ChoicesOf<string, M>;
  /** Django's `IntegerChoices`: as {@link TextChoices} with integer values. */
  function IntegerChoices<const M extends ChoicesMembers<number>>(members: M): ChoicesOf<number, M>;

  /** Options every field accepts (Django's `Field.__init__`). */
  interface FieldOptions<T> {
    verboseName?: string;
    primaryKey?: boolean;
    unique?: boolean;
    blank?: boolean;
    null?: boolean;
    dbIndex?: boolean;
    /**
     * A literal, which becomes the column's database DEFAULT; or a function
     * (`() => crypto.randomUUID()`, `crypto.randomUUID`, `() => new Date()`),
     * kept in the migration as written and never called, with no database
     * DEFAULT (Django's callable default; see docs/models.md).
     */
    default?: T | null | (() => unknown);
    editable?: boolean;
    serialize?: boolean;
    uniqueForDate?: string;
    uniqueForMonth?: string;
    uniqueForYear?: string;
    choices?: Choices<T>;
    helpText?: string;
    dbColumn?: string;
    dbTablespace?: string;
    autoCreated?: boolean;
    errorMessages?: { [key: string]: string };
  }

  interface AutoFieldOptions extends FieldOptions<number> {
    /** Required: an AutoField is the primary key (fields.E100). */
    primaryKey: true;
  }
  interface CharFieldOptions extends FieldOptions<string> {
    /** Required (fields.E120): a positive integer. */
    maxLength: number;
    dbCollation?: string;
  }
  interface TextFieldOptions extends FieldOptions<string> {
    maxLength?: number;
    dbCollation?: string;
  }
  interface StringFieldOptions extends FieldOptions<string> {
    maxLength?: number;
    dbCollation?: string;
  }
  interface SlugFieldOptions extends StringFieldOptions {
    allowUnicode?: boolean;
  }
  interface DecimalFieldOptions extends FieldOptions<number | string> {
    /** Required (fields.E132). */
    maxDigits: number;
    /** Required (fields.E130). */
    decimalPlaces: number;
  }
  interface DateFieldOptions extends FieldOptions<string> {
    /** Set to now on every save: DEFAULT CURRENT_TIMESTAMP. */
    autoNow?: boolean;
    /** Set to now on creation: DEFAULT CURRENT_TIMESTAMP. */
    autoNowAdd?: boolean;
  }
  interface BinaryFieldOptions extends FieldOptions<string> {
    maxLength?: number;
  }
  interface GenericIPAddressFieldOptions extends FieldOptions<string> {
    protocol?: "both" | "IPv4" | "IPv6";
    unpackIpv4?: boolean;
  }
  interface FileFieldOptions extends FieldOptions<string> {
    uploadTo?: string;
    maxLength?: number;
  }
  interface ImageFieldOptions extends FileFieldOptions {
    widthField?: string;
    heightField?: string;
  }

  /** Django's `on_delete` handlers; in the database they become the ON DELETE action. */
  interface OnDelete {
    readonly __tsmigrateOnDelete: string;
  }
  const CASCADE: OnDelete;
  const PROTECT: OnDelete;
  const RESTRICT: OnDelete;
  const SET_NULL: OnDelete;
  const SET_DEFAULT: OnDelete;
  const DO_NOTHING: OnDelete;

  interface RelatedFieldOptions<T> extends FieldOptions<T> {
    relatedName?: string;
    relatedQueryName?: string;
    limitChoicesTo?: { [lookup: string]: JsonValue } | Q;
    dbConstraint?: boolean;
  }
  interface ForeignKeyOptions extends RelatedFieldOptions<number | string> {
    /** Required: models.CASCADE, PROTECT, RESTRICT, SET_NULL (needs null: true), SET_DEFAULT (needs a default), DO_NOTHING. */
    onDelete: OnDelete;
    toField?: string;
  }
  interface OneToOneFieldOptions extends ForeignKeyOptions {
    parentLink?: boolean;
  }
  interface ManyToManyFieldOptions extends RelatedFieldOptions<never> {
    symmetrical?: boolean;
    through?: RelationTarget;
    throughFields?: readonly [string, string];
    dbTable?: string;
  }

  function AutoField(options: AutoFieldOptions): Field<number>;
  function BigAutoField(options: AutoFieldOptions): Field<number>;
  function SmallAutoField(options: AutoFieldOptions): Field<number>;
  function BooleanField(options?: FieldOptions<boolean>): Field<boolean>;
  function CharField(options: CharFieldOptions): Field<string>;
  function TextField(options?: TextFieldOptions): Field<string>;
  function SlugField(options?: SlugFieldOptions): Field<string>;
  function EmailField(options?: StringFieldOptions): Field<string>;
  function URLField(options?: StringFieldOptions): Field<string>;
  function UUIDField(options?: FieldOptions<string>): Field<string>;
  function IntegerField(options?: FieldOptions<number>): Field<number>;
  function BigIntegerField(options?: FieldOptions<number>): Field<number>;
  function SmallIntegerField(options?: FieldOptions<number>): Field<number>;
  function PositiveIntegerField(options?: FieldOptions<number>): Field<number>;
  function PositiveBigIntegerField(options?: FieldOptions<number>): Field<number>;
  function PositiveSmallIntegerField(options?: FieldOptions<number>): Field<number>;
  function FloatField(options?: FieldOptions<number>): Field<number>;
  function DecimalField(options: DecimalFieldOptions): Field<string>;
  function DateField(options?: DateFieldOptions): Field<string>;
  function DateTimeField(options?: DateFieldOptions): Field<string>;
  function TimeField(options?: DateFieldOptions): Field<string>;
  /** Stored as microseconds (bigint) on SQLite, `interval` on PostgreSQL; a default is a number of microseconds. */
  function DurationField(options?: FieldOptions<number>): Field<number>;
  function BinaryField(options?: BinaryFieldOptions): Field<string>;
  function JSONField(options?: FieldOptions<JsonValue>): Field<JsonValue>;
  function GenericIPAddressField(options?: GenericIPAddressFieldOptions): Field<string>;
  function FileField(options?: FileFieldOptions): Field<string>;
  function ImageField(options?: ImageFieldOptions): Field<string>;
  /** A many-to-one relation: column `<name>_id`, indexed unless `dbIndex: false`. */
  function ForeignKey(to: RelationTarget, options: ForeignKeyOptions): Field<number | string>;
  function OneToOneField(to: RelationTarget, options: OneToOneFieldOptions): Field<number | string>;
  /** A many-to-many relation: a join table `<table>_<field>` (or `through` model). */
  function ManyToManyField(to: RelationTarget, options?: ManyToManyFieldOptions): Field<never>;

  /** A reference to another field in a Q lookup: `models.Q({ end__gt: models.F("start") })`. */
  interface FExpression {
    readonly __tsmigrateF: string;
  }
  function F(field: string): FExpression;

  /** A lookup value: a literal, a list of literals (`__in`), or `models.F("field")`. */
  type LookupValue = JsonValue | FExpression | readonly JsonValue[];

  /** A condition, Django's `Q` object. */
  interface Q {
    readonly __tsmigrateQ: true;
  }
  /**
   * Conditions: `models.Q({ price__gte: 0, name: "x" })` is the AND of the
   * lookups (Django's `Q(price__gte=0, name="x")`); `models.Q.and(a, b)` is
   * `a & b`, `models.Q.or(a, b)` is `a | b`, `models.Q.not(a)` is `~a`.
   */
  const Q: {
    (lookups: { readonly [lookup: string]: LookupValue }): Q;
    and(...conditions: Q[]): Q;
    or(...conditions: Q[]): Q;
    not(condition: Q): Q;
  };

  /** Django's `Deferrable` for unique constraints (PostgreSQL). */
  const Deferrable: {
    readonly DEFERRED: { readonly __tsmigrateDeferrable: "DEFERRED" };
    readonly IMMEDIATE: { readonly __tsmigrateDeferrable: "IMMEDIATE" };
  };

  /** An index in `Meta.indexes` (or an AddIndex operation). */
  interface IndexDef {
    readonly __tsmigrateIndex: true;
  }
  interface IndexOptions {
    /** Field names; `-name` for descending. */
    fields: readonly string[];
    /** At most 30 characters; optional in models (Django's default name), required in migrations and with `condition`. */
    name?: string;
    /** A partial index. */
    condition?: Q;
  }
  function Index(options: IndexOptions): IndexDef;

  /** A constraint in `Meta.constraints` (or an AddConstraint operation). */
  interface ConstraintDef {
    readonly __tsmigrateConstraint: true;
  }
  interface UniqueConstraintOptions {
    fields: readonly string[];
    name: string;
    condition?: Q;
    deferrable?: (typeof Deferrable)[keyof typeof Deferrable];
  }
  function UniqueConstraint(options: UniqueConstraintOptions): ConstraintDef;
  interface CheckConstraintOptions {
    check: Q;
    name: string;
  }
  function CheckConstraint(options: CheckConstraintOptions): ConstraintDef;

  /** `static Meta` of a model: Django's Meta options in camelCase. */
  interface Meta {
    /** Not a model, only a base for models: its fields and Meta are inherited. */
    abstract?: boolean;
    /** Default: `"<app>_<lowercased class name>"`. */
    dbTable?: string;
    ordering?: readonly string[];
    indexes?: readonly IndexDef[];
    constraints?: readonly ConstraintDef[];
    /** `[["a", "b"], ...]` (a single `["a", "b"]` is accepted). */
    uniqueTogether?: readonly (readonly string[])[] | readonly string[] | null;
    indexTogether?: readonly (readonly string[])[] | readonly string[] | null;
    verboseName?: string;
    verboseNamePlural?: string;
    managed?: boolean;
    /** A proxy model: no table, its (concrete or proxy) parent's rows under another class and Meta; it declares no fields. */
    proxy?: boolean;
    getLatestBy?: string | readonly string[];
    /** `[["codename", "Human name"], ...]`. */
    permissions?: readonly (readonly string[])[];
    defaultPermissions?: readonly string[];
    defaultRelatedName?: string;
    orderWithRespectTo?: string;
  }
}

export namespace migrations {
  /** One operation of a migration. */
  interface Operation {
    readonly __tsmigrateOperation: string;
  }
  /** What `migrations.Migration(...)` returns; the file's default export. */
  interface MigrationDef {
    readonly __tsmigrateMigration: true;
  }
  /** `[app label, migration name]`. */
  type Dependency = readonly [app: string, name: string];

  interface MigrationOptions {
    /** The app's first migration(s) (for `migrate --fake-initial`). */
    initial?: boolean;
    dependencies: readonly Dependency[];
    operations: readonly Operation[];
    /** Migrations that must run after this one. */
    runBefore?: readonly Dependency[];
    /** The migrations a squashed migration replaces. */
    replaces?: readonly Dependency[];
    /** One transaction for the whole migration (default true). */
    atomic?: boolean;
  }
  function Migration(options: MigrationOptions): MigrationDef;

  /** Model options in CreateModel / AlterModelOptions (Meta without `abstract`). */
  type ModelOptions = Omit<models.Meta, "abstract">;

  function CreateModel(options: {
    name: string;
    fields: readonly (readonly [name: string, field: models.Field])[];
    options?: ModelOptions;
    /** Default `[models.Model]`. */
    bases?: readonly (string | typeof models.Model)[];
  }): Operation;
  function DeleteModel(options: { name: string }): Operation;
  function RenameModel(options: { oldName: string; newName: string }): Operation;
  function AlterModelTable(options: { name: string; table: string | null }): Operation;
  function AlterModelOptions(options: { name: string; options: ModelOptions }): Operation;
  /** Sets (a field name) or unsets (null) `orderWithRespectTo`: adds or drops the `_order` column. */
  function AlterOrderWithRespectTo(options: { name: string; orderWithRespectTo: string | null }): Operation;
  function AlterUniqueTogether(options: { name: string; uniqueTogether: readonly (readonly string[])[] }): Operation;
  function AlterIndexTogether(options: { name: string; indexTogether: readonly (readonly string[])[] }): Operation;
  function AddField(options: { modelName: string; name: string; field: models.Field; preserveDefault?: boolean }): Operation;
  function RemoveField(options: { modelName: string; name: string }): Operation;
  function AlterField(options: { modelName: string; name: string; field: models.Field; preserveDefault?: boolean }): Operation;
  function RenameField(options: { modelName: string; oldName: string; newName: string }): Operation;
  function AddIndex(options: { modelName: string; index: models.IndexDef }): Operation;
  function RemoveIndex(options: { modelName: string; name: string }): Operation;
  function RenameIndex(options: {
    modelName: string;
    newName: string;
    oldName?: string;
    oldFields?: readonly string[];
  }): Operation;
  function AddConstraint(options: { modelName: string; constraint: models.ConstraintDef }): Operation;
  function RemoveConstraint(options: { modelName: string; name: string }): Operation;
  /** Raw SQL; one statement per string when a list. `reverseSql` makes it reversible. */
  function RunSQL(options: {
    sql: string | readonly string[];
    reverseSql?: string | readonly string[];
    /** May be dropped when squashing. */
    elidable?: boolean;
  }): Operation;

  /** What a RunCode function receives. */
  interface RunCodeContext {
    /** The database alias being migrated. */
    readonly alias: string;
    /** "sqlite" or "postgresql". */
    readonly vendor: string;
    /** Runs one SQL statement. */
    execute(sql: string, params?: readonly unknown[]): Promise<void>;
    /** Runs a query and returns its rows. */
    query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  }
  /** TypeScript code run on apply (Django's RunPython). `reverseCode` makes it reversible. */
  function RunCode(options: {
    code: (ctx: RunCodeContext) => void | Promise<void>;
    reverseCode?: (ctx: RunCodeContext) => void | Promise<void>;
    elidable?: boolean;
  }): Operation;
  /** Operations applied to the database only and to the state only. */
  function SeparateDatabaseAndState(options: {
    databaseOperations?: readonly Operation[];
    stateOperations?: readonly Operation[];
  }): Operation;
}
