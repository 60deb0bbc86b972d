/**
 * Data-loss analysis: what a migration plan destroys or narrows, asked of
 * each operation (`Operation.losses`), worded one way for the CLI, the
 * language server and the editor's confirmation dialogs, and counted on a
 * live database with one cheap `count(*)` query per object.
 *
 * Django has no such analysis; it follows the objects Django's schema
 * editor drops (`django/db/backends/base/schema.py`: `delete_model`,
 * `remove_field`, `alter_field`) for the same operations.
 */
import type { Connection } from "./backends/base/base";
import { quoteName } from "./backends/base/literals";
import { TsMigrateError } from "./errors";
import type { MigrationLoader } from "./loader";
import { keyString, type Migration } from "./migration";
import type { DataLoss } from "./operations/base";
import type { ProjectState } from "./state";

/** One loss of a plan: the migration, its direction, and what it destroys. */
export interface PlannedLoss {
  /** `"app.name"` of the migration. */
  readonly migration: string;
  readonly backwards: boolean;
  readonly loss: DataLoss;
  /** What a live database holds that would be lost (rows, values), when counted. */
  readonly count?: number;
}

/**
 * What running `migration` (backwards when `backwards`) destroys, in the
 * order its operations run. `state` is the state before the migration
 * (unchanged).
 * @throws TsMigrateError located at the operation that does not apply to `state`.
 */
export function migrationLosses(migration: Migration, state: ProjectState, backwards: boolean): DataLoss[] {
  const perOp = lossesByOperation(migration, state, backwards);
  return (backwards ? perOp.reverse() : perOp).flat();
}

/**
 * What each operation of `migration` destroys when run in that direction,
 * in the operations' order (index `i` = operation `i`); `state` as for
 * {@link migrationLosses}.
 */
export function lossesByOperation(migration: Migration, state: ProjectState, backwards: boolean): DataLoss[][] {
  return migration.eachOperation(state, (op, before, after) => op.losses(migration.app, before, after, backwards));
}

/**
 * What a plan (steps as `migrate` runs them) destroys, each step analysed
 * from the loader's state before its migration. Each step's losses come
 * from the loader's derived cache when it holds them (statement-cache.ts:
 * keyed by the migration, the direction and the migrations that make the
 * state before it), else are computed and stored.
 */
export function planLosses(loader: MigrationLoader, steps: readonly { migration: Migration; backwards: boolean }[]): PlannedLoss[] {
  return steps.flatMap(({ migration, backwards }) =>
    stepLosses(loader, migration, backwards).map((loss) => ({ migration: keyString(migration.key), backwards, loss })));
}

/** {@link migrationLosses} from the loader's state before `migration`, through the derived cache. */
function stepLosses(loader: MigrationLoader, migration: Migration, backwards: boolean): DataLoss[] {
  const cache = loader.derivedCache;
  const before = loader.migrationsTo(migration.key, false);
  const key = cache?.sequence(before).keyOf(migration, backwards, "losses");
  const stored = key === undefined ? undefined : cache!.losses(key);
  if (stored) return stored;
  const losses = migrationLosses(migration, loader.stateAfter(before), backwards);
  if (key !== undefined) cache!.putLosses(key, losses);
  return losses;
}

/**
 * The losses with what `connection` holds that they would lose: one query
 * per loss (`count(*)` of the table; of the column's non-null values; of the
 * values that would not fit). A table or column the database does not have
 * (yet) gets no count; RunSQL gets none.
 */
export async function countLosses(connection: Connection, losses: readonly PlannedLoss[]): Promise<PlannedLoss[]> {
  const out: PlannedLoss[] = [];
  for (const l of losses) {
    const sql = countSql(l.loss);
    let count: number | undefined;
    if (sql) {
      try {
        const rows = await connection.query<{ n: unknown }>(sql);
        count = Number(rows[0]?.n ?? 0);
      } catch (err) {
        // The table or column is not there yet (a later step of the plan makes or renames it): no count.
        if (!isDatabaseError(err)) throw err;
        count = undefined;
      }
    }
    out.push(count === undefined ? l : { ...l, count });
  }
  return out;
}

/** An error the database raised (SQLite's wrapped as code `database`, a driver's with its SQLSTATE `code`), not a bug of ours. */
function isDatabaseError(err: unknown): boolean {
  if (err instanceof TsMigrateError) return err.code === "database";
  return err instanceof Error && typeof (err as { code?: unknown }).code === "string";
}

/** The query counting what `loss` destroys (one `count(*)`, answered by an index or the table), or undefined. */
export function countSql(loss: DataLoss): string | undefined {
  if (loss.kind === "raw-sql") return undefined;
  const from = `SELECT count(*) AS n FROM ${quoteName(loss.table)}`;
  if (loss.kind === "drop-table") return from;
  const c = quoteName(loss.column);
  if (loss.kind === "drop-column") return `${from} WHERE ${c} IS NOT NULL`;
  const lost = loss.lost;
  switch (lost.kind) {
    case "null": return `${from} WHERE ${c} IS NULL`;
    case "nonNull": return `${from} WHERE ${c} IS NOT NULL`;
    case "longer": return `${from} WHERE length(${c}) > ${lost.limit}`;
    case "outside": return `${from} WHERE abs(${c}) >= ${lost.limit}`;
  }
}

let numberFormat: Intl.NumberFormat | undefined;
/** Counts written as "1,204" (made on first use: loading the locale data costs tens of ms at start-up). */
function numbers(): Intl.NumberFormat {
  return (numberFormat ??= new Intl.NumberFormat("en-US"));
}

/**
 * A loss in words: "drops table shop_product_tags", "drops column
 * shop_product.legacy_code", "narrows column shop_product.name (max_length
 * 100 → 20)", "may destroy data: RunSQL (DELETE FROM ...)"; with its count
 * when known: "drops table shop_product_tags: 312 rows".
 */
export function describeLoss(loss: DataLoss, count?: number): string {
  const n = (unit: string): string => (count === undefined ? "" : `: ${numbers().format(count)} ${unit}`);
  switch (loss.kind) {
    case "drop-table": return `drops table ${loss.table}${n(count === 1 ? "row" : "rows")}`;
    case "drop-column": return `drops column ${loss.table}.${loss.column}${n(count === 1 ? "non-null value" : "non-null values")}`;
    case "raw-sql": return `may destroy data: RunSQL (${truncate(loss.sql, 60)})`;
    case "narrow": return `narrows column ${loss.table}.${loss.column} (${loss.what})${n(narrowUnit(loss.lost.kind, count))}`;
  }
}

function narrowUnit(kind: Extract<DataLoss, { kind: "narrow" }>["lost"]["kind"], count?: number): string {
  const one = count === 1;
  switch (kind) {
    case "null": return one ? "NULL value" : "NULL values";
    case "nonNull": return one ? "value to convert" : "values to convert";
    case "longer": return one ? "value too long" : "values too long";
    case "outside": return one ? "value out of range" : "values out of range";
  }
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** A planned loss in words, with its migration: "shop.0002_remove_legacy: drops column shop_product.legacy_code". */
export function describePlannedLoss(l: PlannedLoss): string {
  return `${l.migration}${l.backwards ? " (unapply)" : ""}: ${describeLoss(l.loss, l.count)}`;
}
