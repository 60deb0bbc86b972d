/**
 * Random model histories for the property test (test/property-histories.test.ts):
 * a first step creating a few models, then steps each making one to three
 * changes of the kinds makemigrations turns into operations (create, delete
 * and rename models; add, remove, rename and alter fields; add and remove
 * indexes, unique constraints and uniqueTogether), with the answers to the
 * questions makemigrations will ask (renames yes or no, one-off defaults)
 * decided here.
 *
 * Every random decision comes from a {@link Choices} (fast-check's
 * `fc.gen()` in the tests, so a failing history shrinks and replays from
 * its seed and path). What is kept out, and why:
 *
 * - Changes whose rollback Django cannot make over rows either: a NOT NULL
 *   field without a default removed (re-adding it on rollback has no value
 *   for the rows), a NULL inserted into a column that was NOT NULL at an
 *   earlier step, a field made unique over values a default filled. The
 *   {@link GField.uniqueCapable} and {@link GField.everNotNull} flags keep
 *   these out.
 * - Changes whose questions this generator would have to guess: within one
 *   step an app either creates models, deletes models or renames one; a
 *   model either gains fields, loses fields or renames one (a removed and
 *   an added field of equal definition make makemigrations ask about a
 *   rename). The answers given must be exactly the questions asked
 *   (makemigrations stops on an unused answer or an unanswered question),
 *   so a wrong prediction fails the test loudly.
 * - A foreign key added to an existing model, or altered to NOT NULL, is
 *   nullable: a one-off default would have to name an existing row.
 * - A model is never deleted while one of its `Meta.indexes` or unique
 *   constraints names one of its foreign keys. A limitation shared with
 *   Django 3.2, not fixed yet: makemigrations removes the foreign key
 *   (RemoveField) before DeleteModel and leaves the index in the state, and
 *   when the optimizer cannot fold the RemoveField into the DeleteModel
 *   (another DeleteModel between them) unapplying the migration fails:
 *   "a.alpha has no field "f4" with a column (named in an index or
 *   constraint)" (Django: FieldDoesNotExist).
 * - A model that a relation from the other app has named at any earlier
 *   step is never deleted or renamed. That is a limitation tsmigrate shares
 *   with Django 3.2, not fixed yet: the migration of app b adding the
 *   relation depends on app a's migration of that time, but nothing makes
 *   a's later DeleteModel or RenameModel depend on b's migrations (the
 *   autodetector only sees the relations of the current state), so
 *   `migrate` on an empty database, which runs each app's migrations in
 *   turn (a's first), deletes or renames the model before b's migration
 *   that names it, and fails ("b.kappa has a relation to "a.alpha1", which
 *   is not a model in the migration state"). Step by step it works.
 */
import { type GField, type GModel, type GSet, type GState, type Kind, type Literal, APPS, TYPE_GROUP, UNIQUE_KINDS, fieldKey, literalSource, modelOf } from "./model";

/** Where the random decisions come from. */
export interface Choices {
  /** An integer in [0, n), n ≥ 1. */
  int(n: number): number;
}

/** makemigrations' answers for one step (the `--answers` JSON). */
export interface StepAnswers {
  renames: Record<string, string | null>;
  defaults: Record<string, string>;
}

/** One step: the models after it, the answers makemigrations needs, and what changed (for failure messages). */
export interface Step {
  readonly state: GState;
  readonly answers: StepAnswers;
  readonly changes: readonly string[];
}

/** A generated history. */
export interface History {
  readonly steps: readonly Step[];
}

const MODEL_NAMES: Readonly<Record<string, readonly string[]>> = {
  a: ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
  b: ["Kappa", "Lambda", "Sigma", "Omega", "Theta"],
};

const KINDS: readonly Kind[] = ["char", "char", "char", "text", "int", "int", "int", "bigint", "small", "bool", "decimal", "date", "fk", "fk", "m2m"];

/** Per step: what each app and model already did (see the module comment). */
interface StepContext {
  appMode: Map<string, "create" | "delete" | "rename">;
  modelMode: Map<number, "add" | "remove" | "renameField" | "renamed">;
  /** Models created and fields added in this step (no questions, no removal rules). */
  newModels: Set<number>;
  newFields: Set<number>;
  /** Fields altered or renamed in this step. */
  touched: Set<number>;
  /** Models with a field altered or an index or unique set added or removed in this step (not renamed or deleted then). */
  altered: Set<number>;
  answers: StepAnswers;
  changes: string[];
}

const chance = (c: Choices, percent: number): boolean => c.int(100) < percent;
const pick = <T>(c: Choices, xs: readonly T[]): T => xs[c.int(xs.length)]!;

/** What a backend's run leaves out of its histories (see {@link generateHistory}). */
export interface GenerateOptions {
  /**
   * Model renames answered yes (RenameModel). Default true. PostgreSQL's run
   * sets false: tsmigrate does not keep a renamed table's index and
   * constraint names in step (docs/architecture.md, "Not built yet";
   * docs/postgresql.md), so a later operation dropping one (a foreign key,
   * an index, a unique constraint of the renamed table) names one that does
   * not exist. A rename answered no (delete + create) is still generated.
   */
  readonly renameModels?: boolean;
}

/** Builds one history, step by step, from `c`. */
class HistoryBuilder {
  private uid = 0;
  private seq = 0;
  private state: GState = { models: [] };
  private ctx!: StepContext;
  /** Models a relation from another app has named at some step (never deleted or renamed: see the module comment). */
  private readonly crossAppTargets = new Set<number>();

  constructor(private readonly c: Choices, private readonly options: GenerateOptions = {}) {}

  build(): History {
    const steps: Step[] = [];
    const count = 2 + this.c.int(5);
    for (let i = 0; i < count; i++) {
      this.ctx = { appMode: new Map(), modelMode: new Map(), newModels: new Set(), newFields: new Set(), touched: new Set(), altered: new Set(), answers: { renames: {}, defaults: {} }, changes: [] };
      if (i === 0) {
        const n = 1 + this.c.int(3);
        for (let k = 0; k < n; k++) this.addModel();
      } else {
        const n = 1 + this.c.int(3);
        for (let tries = 0; this.ctx.changes.length < n && tries < 40; tries++) this.randomChange();
      }
      if (!this.ctx.changes.length) break;
      steps.push({ state: structuredClone(this.state), answers: this.ctx.answers, changes: this.ctx.changes });
      for (const m of this.state.models) {
        for (const f of m.fields) if (f.to !== undefined && modelOf(this.state, f.to)!.app !== m.app) this.crossAppTargets.add(f.to);
      }
    }
    return { steps };
  }

  private randomChange(): void {
    const moves: [number, () => boolean][] = [
      [2, () => this.addModel()], [1, () => this.deleteModel()], [1, () => this.renameModel()],
      [3, () => this.addField()], [2, () => this.removeField()], [2, () => this.renameField()],
      [6, () => this.alterField()], [1, () => this.addSet("indexes")], [1, () => this.removeSet("indexes")],
      [1, () => this.addSet("uniques")], [1, () => this.removeSet("uniques")],
      [1, () => this.addSet("together")], [1, () => this.removeSet("together")],
    ];
    let r = this.c.int(moves.reduce((s, [w]) => s + w, 0));
    for (const [w, move] of moves) {
      if (r < w) {
        move();
        return;
      }
      r -= w;
    }
  }

  // ---- models -------------------------------------------------------------

  /** Models that existed before this step and nothing touched in it, which may be deleted or renamed. */
  private untouchedModels(): GModel[] {
    return this.state.models.filter((m) => !this.ctx.newModels.has(m.uid) && !this.ctx.modelMode.has(m.uid) && !this.ctx.altered.has(m.uid) &&
      !this.crossAppTargets.has(m.uid));
  }

  private freeName(app: string, base?: string): string | undefined {
    const used = new Set(this.state.models.filter((m) => m.app === app).map((m) => m.name.toLowerCase()));
    const names = base ? [`${base.replace(/\d+$/, "")}${++this.seq}`] : MODEL_NAMES[app]!.filter((n) => !used.has(n.toLowerCase()));
    const free = names.filter((n) => !used.has(n.toLowerCase()));
    return free.length ? pick(this.c, free) : undefined;
  }

  private addModel(): boolean {
    const app = pick(this.c, APPS);
    const mode = this.ctx.appMode.get(app);
    if (mode !== undefined && mode !== "create") return false;
    const name = this.freeName(app);
    if (!name) return false;
    const m: GModel = { uid: ++this.uid, app, name, fields: [], indexes: [], uniques: [], together: [] };
    this.state.models.push(m);
    this.ctx.newModels.add(m.uid);
    this.ctx.appMode.set(app, "create");
    const n = 1 + this.c.int(4);
    for (let i = 0; i < n; i++) {
      const f = this.newField(m, false);
      if (f) m.fields.push(f);
    }
    if (chance(this.c, 30)) this.addSetTo(m, "indexes");
    if (chance(this.c, 20)) this.addSetTo(m, "uniques");
    this.ctx.changes.push(`create model ${app}.${name} (${m.fields.map((f) => `${f.name}: ${describeField(this.state, f)}`).join(", ")})`);
    return true;
  }

  /**
   * Removes model `m` (existing before the step) and every field elsewhere
   * that references it, if all of them may go; false (nothing changed)
   * when one may not.
   */
  private dropModel(m: GModel): boolean {
    const refs = this.state.models.flatMap((x) => (x.uid === m.uid ? [] : x.fields.filter((f) => f.to === m.uid).map((f) => [x, f] as const)));
    for (const [x, f] of refs) {
      if (this.ctx.newFields.has(f.uid)) continue;
      const mode = this.ctx.modelMode.get(x.uid);
      if (!removable(f) || mode === "renamed" || mode === "renameField" || this.ctx.touched.has(f.uid)) return false;
    }
    for (const [x, f] of refs) {
      if (!this.ctx.newFields.has(f.uid)) {
        this.ctx.changes.push(`remove field ${x.app}.${x.name}.${f.name} (references ${m.name})`);
        if (!this.ctx.modelMode.has(x.uid) && !this.ctx.newModels.has(x.uid)) this.ctx.modelMode.set(x.uid, "remove");
      }
      dropField(x, f.uid);
    }
    this.state.models = this.state.models.filter((x) => x.uid !== m.uid);
    return true;
  }

  private deleteModel(): boolean {
    const candidates = this.untouchedModels().filter((m) => [undefined, "delete"].includes(this.ctx.appMode.get(m.app)) && !indexesRelations(m));
    if (!candidates.length) return false;
    const m = pick(this.c, candidates);
    if (!this.dropModel(m)) return false;
    this.ctx.appMode.set(m.app, "delete");
    this.ctx.changes.push(`delete model ${m.app}.${m.name}`);
    return true;
  }

  private renameModel(): boolean {
    const candidates = this.untouchedModels().filter((m) => !this.ctx.appMode.has(m.app));
    if (!candidates.length) return false;
    const m = pick(this.c, candidates);
    const name = this.freeName(m.app, m.name)!;
    const key = `${m.app}.${m.name}`;
    if (chance(this.c, 75) && this.options.renameModels !== false) {
      this.ctx.answers.renames[key] = name;
      this.ctx.changes.push(`rename model ${key} -> ${name} (answered yes)`);
      m.name = name;
      this.ctx.modelMode.set(m.uid, "renamed");
    } else {
      // Answered no: the model is deleted and an empty one with the same fields created.
      if (indexesRelations(m) || !this.dropModel(m)) return false;
      const copy = this.copyModel(m, name);
      this.state.models.push(copy);
      this.ctx.newModels.add(copy.uid);
      this.ctx.answers.renames[key] = null;
      this.ctx.changes.push(`rename model ${key} -> ${name} (answered no: delete + create)`);
    }
    this.ctx.appMode.set(m.app, "rename");
    return true;
  }

  /** A new model with `m`'s fields, indexes and constraints (new uids and names; a self reference points at the copy). */
  private copyModel(m: GModel, name: string): GModel {
    const uid = ++this.uid;
    const ids = new Map<number, number>();
    const fields = m.fields.map((f) => {
      ids.set(f.uid, ++this.uid);
      return { ...f, uid: this.uid, to: f.to === m.uid ? uid : f.to, everNotNull: !f.null };
    });
    const sets = (list: GSet[]) => list.map((s) => ({ name: `s${++this.seq}`, fields: s.fields.map((x) => ids.get(x)!) }));
    return { uid, app: m.app, name, fields, indexes: sets(m.indexes), uniques: sets(m.uniques), together: sets(m.together) };
  }

  // ---- fields -------------------------------------------------------------

  /**
   * A new field for `m`; `onExisting`: `m` has rows already (a uniqueCapable
   * field is then nullable without default, a foreign key nullable, and a
   * NOT NULL field without default gets a one-off default answer).
   */
  private newField(m: GModel, onExisting: boolean): GField | undefined {
    const c = this.c;
    const kind = pick(c, KINDS);
    const f: GField = { uid: ++this.uid, name: "", kind, null: false, unique: false, dbIndex: false, uniqueCapable: false, everNotNull: false };
    f.name = `f${f.uid}`;
    if (kind === "fk" || kind === "m2m") {
      const target = pick(c, this.state.models);
      f.to = target.uid;
      f.related = `r${f.uid}`;
      if (kind === "fk") {
        const hasRows = !this.ctx.newModels.has(target.uid) && target.uid !== m.uid;
        f.null = onExisting || !hasRows || chance(c, 50);
        f.onDelete = f.null && chance(c, 40) ? "SET_NULL" : "CASCADE";
        f.dbIndex = chance(c, 80);
      }
    } else {
      f.uniqueCapable = UNIQUE_KINDS.includes(kind) && chance(c, 40);
      if (kind === "char") f.maxLength = pick(c, [10, 20, 40]);
      if (kind === "decimal") f.maxDigits = pick(c, [6, 8]);
      if (f.uniqueCapable) {
        f.null = onExisting || chance(c, 30);
        f.unique = chance(c, 50);
      } else {
        f.null = chance(c, 40);
        if (chance(c, 40)) f.default = defaultFor(c, kind);
      }
      f.dbIndex = !f.unique && chance(c, 20);
    }
    f.everNotNull = !f.null && kind !== "m2m";
    this.ctx.newFields.add(f.uid);
    if (onExisting && !f.null && f.default === undefined && kind !== "m2m") {
      const v = oneOffDefault(c, kind);
      this.ctx.answers.defaults[fieldKey(m, f)] = literalSource(v);
    }
    return f;
  }

  /** Models before this step, not renamed in it, whose field mode allows `mode`. */
  private editable(mode: "add" | "remove" | "renameField" | "alter"): GModel[] {
    return this.state.models.filter((m) => {
      if (this.ctx.newModels.has(m.uid)) return false;
      const current = this.ctx.modelMode.get(m.uid);
      return mode === "alter" ? current !== "renamed" : current === undefined || (current === mode && mode !== "renameField");
    });
  }

  private addField(): boolean {
    const models = this.editable("add");
    if (!models.length) return false;
    const m = pick(this.c, models);
    const f = this.newField(m, true);
    if (!f) return false;
    m.fields.push(f);
    this.ctx.modelMode.set(m.uid, "add");
    const asked = this.ctx.answers.defaults[fieldKey(m, f)];
    this.ctx.changes.push(`add field ${m.app}.${m.name}.${f.name}: ${describeField(this.state, f)}${asked ? ` (one-off default ${asked})` : ""}`);
    return true;
  }

  /** Fields of `m` that existed before this step and nothing touched in it. */
  private oldFields(m: GModel): GField[] {
    return m.fields.filter((f) => !this.ctx.newFields.has(f.uid) && !this.ctx.touched.has(f.uid));
  }

  private removeField(): boolean {
    const options = this.editable("remove").flatMap((m) => this.oldFields(m).filter(removable).map((f) => [m, f] as const));
    if (!options.length) return false;
    const [m, f] = pick(this.c, options);
    dropField(m, f.uid);
    this.ctx.modelMode.set(m.uid, "remove");
    this.ctx.changes.push(`remove field ${m.app}.${m.name}.${f.name}`);
    return true;
  }

  private renameField(): boolean {
    const options = this.editable("renameField").flatMap((m) => this.oldFields(m).map((f) => [m, f] as const));
    if (!options.length) return false;
    const [m, f] = pick(this.c, options);
    const key = fieldKey(m, f);
    const name = `${f.name.replace(/_.*$/, "")}_${++this.seq}`;
    if (chance(this.c, 70)) {
      this.ctx.answers.renames[key] = name;
      this.ctx.changes.push(`rename field ${key} -> ${name} (answered yes)`);
      f.name = name;
      this.ctx.touched.add(f.uid);
    } else {
      // Answered no: removed, and a new field with the same definition added (empty, or the default).
      if (!removable(f) || (f.unique && f.default !== undefined)) return false;
      const copy: GField = { ...f, uid: ++this.uid, name, uniqueCapable: f.uniqueCapable && f.null && f.default === undefined, everNotNull: !f.null && f.kind !== "m2m" };
      dropField(m, f.uid);
      m.fields.push(copy);
      this.ctx.newFields.add(copy.uid);
      this.ctx.answers.renames[key] = null;
      if (!copy.null && copy.default === undefined && copy.kind !== "m2m") this.ctx.answers.defaults[fieldKey(m, copy)] = literalSource(oneOffDefault(this.c, copy.kind));
      this.ctx.changes.push(`rename field ${key} -> ${name} (answered no: remove + add${this.ctx.answers.defaults[fieldKey(m, copy)] ? `, one-off default ${this.ctx.answers.defaults[fieldKey(m, copy)]}` : ""})`);
    }
    this.ctx.modelMode.set(m.uid, "renameField");
    return true;
  }

  private alterField(): boolean {
    const options = this.editable("alter").flatMap((m) => this.oldFields(m).filter((f) => f.kind !== "m2m").map((f) => [m, f] as const));
    if (!options.length) return false;
    const [m, f] = pick(this.c, options);
    const before = describeField(this.state, f);
    const what = alterations(f).filter((a) => a.applies);
    if (!what.length) return false;
    const a = pick(this.c, what);
    const question = a.run(this.c);
    this.ctx.touched.add(f.uid);
    this.ctx.altered.add(m.uid);
    if (question !== undefined) this.ctx.answers.defaults[fieldKey(m, f)] = literalSource(question);
    this.ctx.changes.push(`alter field ${m.app}.${m.name}.${f.name}: ${a.name}: ${before} -> ${describeField(this.state, f)}${question !== undefined ? ` (one-off default ${literalSource(question)})` : ""}`);
    return true;
  }

  // ---- indexes and unique sets ---------------------------------------------

  /** Adds an index (any concrete fields) or a unique set (a uniqueCapable field first) to `m`; false when it has no fields for one. */
  private addSetTo(m: GModel, kind: "indexes" | "uniques" | "together"): boolean {
    const concrete = m.fields.filter((f) => f.kind !== "m2m");
    const first = kind === "indexes" ? concrete : concrete.filter((f) => f.uniqueCapable);
    if (!first.length) return false;
    const a = pick(this.c, first);
    const others = concrete.filter((f) => f.uid !== a.uid);
    const fields = others.length && chance(this.c, 50) ? [a.uid, pick(this.c, others).uid] : [a.uid];
    if (kind === "together" && fields.length < 2) return false;
    const key = fields.join(",");
    if (m[kind].some((s) => s.fields.join(",") === key)) return false;
    m[kind].push({ name: `${kind === "indexes" ? "ix" : "uq"}${++this.seq}`, fields });
    return true;
  }

  private addSet(kind: "indexes" | "uniques" | "together"): boolean {
    const models = this.editable("alter");
    if (!models.length) return false;
    const m = pick(this.c, models);
    if (!this.addSetTo(m, kind)) return false;
    this.ctx.altered.add(m.uid);
    const s = m[kind][m[kind].length - 1]!;
    this.ctx.changes.push(`add ${kind === "indexes" ? "index" : kind === "uniques" ? "unique constraint" : "uniqueTogether"} ${s.name} on ${m.app}.${m.name} (${s.fields.map((u) => m.fields.find((f) => f.uid === u)!.name).join(", ")})`);
    return true;
  }

  private removeSet(kind: "indexes" | "uniques" | "together"): boolean {
    const options = this.editable("alter").flatMap((m) => m[kind].map((s) => [m, s] as const));
    if (!options.length) return false;
    const [m, s] = pick(this.c, options);
    m[kind] = m[kind].filter((x) => x !== s);
    this.ctx.altered.add(m.uid);
    this.ctx.changes.push(`remove ${kind === "indexes" ? "index" : kind === "uniques" ? "unique constraint" : "uniqueTogether"} ${s.name} from ${m.app}.${m.name}`);
    return true;
  }
}

/**
 * Whether a field may be removed: re-adding it when the removal is rolled
 * back gives the rows a value that every earlier step accepts (NULL for a
 * field never NOT NULL, else its default; Django cannot roll back the
 * removal of a NOT NULL field without default over rows either).
 */
function removable(f: GField): boolean {
  return f.kind === "m2m" || (f.null && !f.everNotNull) || (f.default !== undefined && !f.uniqueCapable);
}

/** True when an index or unique constraint of `m` names one of its foreign keys (see the module comment). */
function indexesRelations(m: GModel): boolean {
  const fks = new Set(m.fields.filter((f) => f.kind === "fk").map((f) => f.uid));
  return [...m.indexes, ...m.uniques].some((s) => s.fields.some((uid) => fks.has(uid)));
}

/** Removes field `uid` from `m` with the indexes and unique sets naming it. */
function dropField(m: GModel, uid: number): void {
  m.fields = m.fields.filter((f) => f.uid !== uid);
  for (const kind of ["indexes", "uniques", "together"] as const) m[kind] = m[kind].filter((s) => !s.fields.includes(uid));
}

/** Kinds that get model defaults (literals every kind of the type group converts). */
const DEFAULT_KINDS: readonly Kind[] = ["char", "text", "int", "bigint", "small", "bool"];

/** The model defaults a kind may get. */
function defaultsOf(kind: Kind): readonly Literal[] {
  if (kind === "bool") return [true, false];
  if (kind === "char" || kind === "text") return ["0", "7", "42"];
  if (kind === "int" || kind === "bigint" || kind === "small") return [0, 7, 42];
  return [];
}

function defaultFor(c: Choices, kind: Kind): Literal | undefined {
  const all = defaultsOf(kind);
  return all.length ? pick(c, all) : undefined;
}

/** A one-off default for existing rows (any kind but relations). */
function oneOffDefault(c: Choices, kind: Kind): Literal {
  if (kind === "decimal") return "1.50";
  if (kind === "date") return "2024-02-03";
  return defaultFor(c, kind)!;
}

/** A literal default converted to another kind of the type group (7 <-> "7"). */
function convertDefault(v: Literal | undefined, kind: Kind): Literal | undefined {
  if (v === undefined) return undefined;
  return kind === "char" || kind === "text" ? String(v) : Number(v);
}

interface Alteration {
  readonly name: string;
  readonly applies: boolean;
  /** Changes the field; returns the one-off default makemigrations will ask for, if any. */
  run(c: Choices): Literal | undefined;
}

/** The AlterField changes possible on `f` now. */
function alterations(f: GField): Alteration[] {
  const scalar = f.kind !== "fk";
  return [
    {
      name: "NULL -> NOT NULL", applies: f.null && scalar && !f.uniqueCapable,
      run: (c) => {
        f.null = false;
        f.everNotNull = true;
        return f.default === undefined ? oneOffDefault(c, f.kind) : undefined;
      },
    },
    { name: "NOT NULL -> NULL", applies: !f.null, run: () => void (f.null = true) },
    {
      name: "default", applies: DEFAULT_KINDS.includes(f.kind) && !f.uniqueCapable,
      run: (c) => {
        const choices = [undefined, ...defaultsOf(f.kind)].filter((v) => v !== f.default);
        f.default = pick(c, choices);
        return undefined;
      },
    },
    { name: "maxLength", applies: f.kind === "char", run: (c) => void (f.maxLength = pick(c, [10, 20, 40].filter((n) => n !== f.maxLength))) },
    { name: "maxDigits", applies: f.kind === "decimal", run: () => void (f.maxDigits = f.maxDigits === 6 ? 8 : 6) },
    {
      name: "type", applies: TYPE_GROUP.includes(f.kind),
      run: (c) => {
        f.kind = pick(c, TYPE_GROUP.filter((k) => k !== f.kind));
        f.maxLength = f.kind === "char" ? pick(c, [10, 20, 40]) : undefined;
        f.default = convertDefault(f.default, f.kind);
        return undefined;
      },
    },
    { name: "unique", applies: f.uniqueCapable, run: () => void ((f.unique = !f.unique), (f.dbIndex = false)) },
    { name: "dbIndex", applies: !f.unique, run: () => void (f.dbIndex = !f.dbIndex) },
    { name: "onDelete", applies: f.kind === "fk" && f.null, run: () => void (f.onDelete = f.onDelete === "SET_NULL" ? "CASCADE" : "SET_NULL") },
  ];
}

/** A field in a few words, for failure messages. */
export function describeField(state: GState, f: GField): string {
  const parts: string[] = [f.kind];
  if (f.to !== undefined) parts.push(`-> ${modelOf(state, f.to)?.name ?? `#${f.to}`}`);
  if (f.maxLength !== undefined) parts.push(`maxLength ${f.maxLength}`);
  if (f.maxDigits !== undefined) parts.push(`maxDigits ${f.maxDigits}`);
  if (f.kind !== "m2m") parts.push(f.null ? "null" : "not null");
  if (f.default !== undefined) parts.push(`default ${literalSource(f.default)}`);
  if (f.unique) parts.push("unique");
  if (f.dbIndex && f.kind !== "fk") parts.push("dbIndex");
  if (f.kind === "fk" && !f.dbIndex) parts.push("dbIndex false");
  if (f.onDelete === "SET_NULL") parts.push("SET_NULL");
  return parts.join(" ");
}

/** A random history drawn from `c`, without what `options` leaves out. */
export function generateHistory(c: Choices, options: GenerateOptions = {}): History {
  return new HistoryBuilder(c, options).build();
}

/** A history as text: each step's changes and answers (the property test prints it with a failure). */
export function describeHistory(h: History): string {
  return h.steps.map((s, i) => {
    const answers = Object.keys(s.answers.renames).length || Object.keys(s.answers.defaults).length ? `\n    answers: ${JSON.stringify(s.answers)}` : "";
    return `  step ${i + 1}:\n${s.changes.map((c) => `    - ${c}`).join("\n")}${answers}`;
  }).join("\n");
}
