/**
 * Rows for the property test: inserted at every step into every table
 * (two rows per model, one link per many-to-many field), read back as the
 * driver returns them, then followed through every later step, forwards and
 * backwards. A value must still be there, unchanged, as long as its column
 * is untouched since the insert: the field (by uid, whatever it is called
 * now) still exists on every state visited since, with the same kind and
 * target, and a NULL was not filled by a NOT NULL alteration. A row goes
 * when its model does (a table dropped is dropped), a link when its
 * many-to-many field or either model does.
 *
 * Values are written as SQL literals both SQLite and PostgreSQL read the
 * same way (TRUE/FALSE, quoted digit strings, ISO dates), never as bound
 * parameters, so one code path serves both backends.
 */
import { isDeepStrictEqual } from "node:util";
import type { Connection } from "../../server/src/engine/backends/base/base";
import { type GField, type GModel, type GState, type Kind, columnOf, joinTableOf, modelOf, tableOf } from "./model";

interface TrackedValue {
  readonly kind: Kind;
  readonly to?: number;
  readonly value: unknown;
}

interface TrackedRow {
  readonly model: number;
  readonly id: number;
  readonly step: number;
  /** Field uid -> the value read back after the insert. */
  readonly values: Map<number, TrackedValue>;
}

interface TrackedLink {
  readonly model: number;
  readonly field: number;
  readonly target: number;
  readonly id: number;
  readonly step: number;
  /** The join row's two columns as read back. */
  readonly from: unknown;
  readonly to: unknown;
}

type Row = Record<string, unknown>;

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A value as an SQL literal both vendors read alike. */
function sqlLiteral(v: unknown): string {
  if (v === null) return "NULL";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** The rows inserted so far and the checks on them (see the module comment). */
export class RowTracker {
  private rows: TrackedRow[] = [];
  private links: TrackedLink[] = [];
  /** Model uid -> ids of its rows (for foreign key values). */
  private readonly ids = new Map<number, number[]>();
  private readonly nextId = new Map<number, number>();
  private readonly pairs = new Set<string>();
  private counter = 0;

  /** How many values and links are followed now (the test reports it, to show the check is not empty). */
  get tracked(): number {
    return this.rows.reduce((n, r) => n + r.values.size, 0) + this.links.length;
  }

  /** Moves to `state` (the next step, or an earlier one on the way back): forgets what it no longer holds as inserted. */
  visit(state: GState): void {
    for (const uid of [...this.ids.keys()]) if (!modelOf(state, uid)) this.ids.delete(uid);
    this.rows = this.rows.filter((r) => modelOf(state, r.model) !== undefined);
    for (const r of this.rows) {
      const m = modelOf(state, r.model)!;
      for (const [uid, v] of [...r.values]) {
        const f = m.fields.find((x) => x.uid === uid);
        if (!f || f.kind !== v.kind || f.to !== v.to || (v.value === null && !f.null)) r.values.delete(uid);
      }
    }
    this.links = this.links.filter((l) => {
      const m = modelOf(state, l.model);
      return m !== undefined && modelOf(state, l.target) !== undefined && m.fields.some((f) => f.uid === l.field && f.to === l.target);
    });
  }

  /** Problems with the rows followed, read from `conn` whose schema is `state`'s. */
  async problems(conn: Connection, state: GState): Promise<string[]> {
    const out: string[] = [];
    const byModel = new Map<number, TrackedRow[]>();
    for (const r of this.rows) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
    for (const [uid, rows] of byModel) {
      const m = modelOf(state, uid)!;
      const found = await readRows(conn, tableOf(m), rows.map((r) => r.id));
      for (const r of rows) {
        const row = found.get(r.id);
        if (!row) {
          out.push(`[rows] table "${tableOf(m)}": row id ${r.id} (inserted at step ${r.step}) is gone`);
          continue;
        }
        for (const [fuid, v] of r.values) {
          const f = m.fields.find((x) => x.uid === fuid)!;
          const col = columnOf(f)!;
          if (!isDeepStrictEqual(row[col], v.value)) {
            out.push(`[rows] table "${tableOf(m)}" row id ${r.id} (inserted at step ${r.step}): column "${col}" is ${show(row[col])}, was ${show(v.value)}`);
          }
        }
      }
    }
    out.push(...(await this.linkProblems(conn, state)));
    return out;
  }

  private async linkProblems(conn: Connection, state: GState): Promise<string[]> {
    const out: string[] = [];
    for (const l of this.links) {
      const m = modelOf(state, l.model)!;
      const j = joinTableOf(state, m, m.fields.find((f) => f.uid === l.field)!);
      const row = (await readRows(conn, j.table, [l.id])).get(l.id);
      if (!row) out.push(`[rows] join table "${j.table}": row id ${l.id} (inserted at step ${l.step}) is gone`);
      else if (!isDeepStrictEqual([row[j.from], row[j.to]], [l.from, l.to])) {
        out.push(`[rows] join table "${j.table}" row id ${l.id} (inserted at step ${l.step}): (${j.from}, ${j.to}) = ${show([row[j.from], row[j.to]])}, was ${show([l.from, l.to])}`);
      }
    }
    return out;
  }

  /** Inserts two rows into every model's table and one link into every join table of `state`, in one transaction, and follows them. */
  async insert(conn: Connection, state: GState, step: number): Promise<void> {
    await conn.atomic(async () => {
      for (const m of state.models) await this.insertRows(conn, m, step);
      for (const m of state.models) {
        for (const f of m.fields) if (f.kind === "m2m") await this.insertLink(conn, state, m, f, step);
      }
    });
  }

  private async insertRows(conn: Connection, m: GModel, step: number): Promise<void> {
    const ids: number[] = [];
    for (let r = 0; r < 2; r++) {
      const id = (this.nextId.get(m.uid) ?? 0) + 1;
      this.nextId.set(m.uid, id);
      const cols: string[] = ["id"];
      const vals: unknown[] = [id];
      for (const f of m.fields) {
        const col = columnOf(f);
        if (col === undefined) continue;
        cols.push(col);
        vals.push(this.valueFor(m, f, r === 0));
      }
      await conn.execute(`INSERT INTO ${q(tableOf(m))} (${cols.map(q).join(", ")}) VALUES (${vals.map(sqlLiteral).join(", ")})`);
      ids.push(id);
      this.ids.set(m.uid, [...(this.ids.get(m.uid) ?? []), id]);
    }
    const back = await readRows(conn, tableOf(m), ids);
    for (const id of ids) {
      const row = back.get(id);
      if (!row) throw new Error(`row id ${id} of "${tableOf(m)}" cannot be read back after its insert`);
      const values = new Map<number, TrackedValue>();
      for (const f of m.fields) {
        const col = columnOf(f);
        if (col !== undefined) values.set(f.uid, { kind: f.kind, to: f.to, value: row[col] });
      }
      this.rows.push({ model: m.uid, id, step, values });
    }
  }

  /** A value for `f` in a new row: NULL in the first row where a NULL can never stop a rollback, else distinct per row and column. */
  private valueFor(m: GModel, f: GField, first: boolean): unknown {
    const nullOk = f.null && !f.everNotNull;
    if (f.kind === "fk") {
      // Rows inserted before this one (a self reference points at an earlier row of its own table).
      const ids = this.ids.get(f.to!) ?? [];
      if ((nullOk && first) || !ids.length) {
        if (!f.null) throw new Error(`no row of model #${f.to} for the NOT NULL foreign key ${m.name}.${f.name}`);
        return null;
      }
      return ids[ids.length - 1];
    }
    if (nullOk && first) return null;
    const n = ++this.counter;
    switch (f.kind) {
      case "char":
      case "text": return String(n);
      case "bool": return n % 2 === 0;
      case "decimal": return n + 0.25;
      case "date": return `2024-01-${String(1 + (n % 28)).padStart(2, "0")}`;
      default: return n;
    }
  }

  private async insertLink(conn: Connection, state: GState, m: GModel, f: GField, step: number): Promise<void> {
    const from = this.ids.get(m.uid) ?? [];
    const to = this.ids.get(f.to!) ?? [];
    const pair = [from.at(-1), to.at(-1 - (step % Math.max(1, to.length)))];
    const key = `${f.uid}:${pair.join(",")}`;
    if (pair[0] === undefined || pair[1] === undefined || this.pairs.has(key)) return;
    this.pairs.add(key);
    const j = joinTableOf(state, m, f);
    const id = (this.nextId.get(-f.uid) ?? 0) + 1;
    this.nextId.set(-f.uid, id);
    await conn.execute(`INSERT INTO ${q(j.table)} (${q("id")}, ${q(j.from)}, ${q(j.to)}) VALUES (${id}, ${pair[0]}, ${pair[1]})`);
    const row = (await readRows(conn, j.table, [id])).get(id);
    if (!row) throw new Error(`row id ${id} of "${j.table}" cannot be read back after its insert`);
    this.links.push({ model: m.uid, field: f.uid, target: f.to!, id, step, from: row[j.from], to: row[j.to] });
  }
}

/** Rows of `table` with the given ids, by id (PostgreSQL's bigint ids come back as strings). */
async function readRows(conn: Connection, table: string, ids: readonly number[]): Promise<Map<number, Row>> {
  if (!ids.length) return new Map();
  const rows = await conn.query<Row>(`SELECT * FROM ${q(table)} WHERE ${q("id")} IN (${ids.join(", ")})`);
  return new Map(rows.map((r) => [Number(r.id), r]));
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Date ? x.toISOString() : typeof x === "bigint" ? `${x}n` : x));
}
