/**
 * The two inputs of the analysis, each cached per file:
 * - {@link MigrationSources}: the migration files (the loader's per-file
 *   cache, fed with open buffers), the graph, the state at the leaves and
 *   the migration files' diagnostics;
 * - {@link ModelSources}: each `models.ts` parse (by text) and their
 *   resolution into a state (incremental, see incremental.ts).
 *
 * Half-typed code: a buffer that does not parse gets its errors reported,
 * but the state is built from that file's last good version, so the
 * diagnostics of other files do not flicker or vanish.
 */
import * as path from "node:path";
import type { Diagnostic } from "vscode-languageserver";
import type { ProjectConfig } from "../engine/config";
import { MultipleErrors, type SourceLocation, TsMigrateError } from "../engine/errors";
import { MigrationLoader } from "../engine/loader";
import { keyString, type Migration } from "../engine/migration";
import { type LoadedModels, loadModels, moduleReader, type ParsedModelFile, parseModelFile, resolveModels } from "../engine/source/models";
import { ModelProgram } from "../engine/source/program";
import { ProjectState } from "../engine/state";
import { conflictDiagnostics, errorDiagnostic } from "./diagnostics";
import type { DocumentStore } from "./documents";
import { leafNames } from "./drift";
import { ChunkedText } from "./chunkedText";
import { ClassCache, type ClassCacheStats } from "./classCache";
import { IncrementalModels, modelsSummary, type Resolution } from "./incremental";
import { isSyntaxError, type StandIn, syntaxSummary } from "./syntax";

/** Check every incremental step against a full recomputation and log differences (`TSMIGRATE_LSP_VERIFY=1`). */
export const VERIFY = process.env.TSMIGRATE_LSP_VERIFY === "1";

/** The TsMigrateErrors in `e` (MultipleErrors unpacked; other errors wrapped, located at `file` when given). */
export function flatten(e: unknown, file?: string): TsMigrateError[] {
  if (e instanceof MultipleErrors) return [...e.errors];
  if (e instanceof TsMigrateError) return [e];
  return [new TsMigrateError(e instanceof Error ? e.message : String(e), {
    code: "internal", location: file ? { file, line: 1, column: 1 } : undefined, cause: e,
  })];
}

/** The migration files of a project as the editor sees them. */
export class MigrationSources {
  /** The loader over disk files and open buffers. */
  readonly loader: MigrationLoader;
  /** The state at every leaf (the last one that could be built). */
  state = new ProjectState();
  /** Diagnostics of migration files (bad files, missing dependencies, cycles, conflicts), by file. */
  diagnostics = new Map<string, Diagnostic[]>();
  /** Each app's leaf migration name. */
  leaves = new Map<string, string | undefined>();
  /**
   * Apps with a migration file that does not parse and has no earlier
   * version to stand in: their history has a hole, so their drift is not shown.
   */
  unreadableApps = new Set<string>();
  private broken = new Set<string>();
  private readonly lastGoodText = new Map<string, string>();
  private readonly statesBefore = new Map<string, ProjectState>();

  /**
   * @param isMigration true for a path in some app's migrations folder
   * @param log the server's log
   */
  constructor(
    private readonly config: ProjectConfig, private readonly documents: DocumentStore,
    private readonly isMigration: (file: string) => boolean, private readonly log: (m: string) => void,
  ) {
    // The language server writes nothing into a workspace by itself (an untrusted one included): no parse cache.
    this.loader = new MigrationLoader(config, { parsedCache: false });
  }

  /** True when `file` is an open migration buffer that does not parse (its last good text is used). */
  isBroken(file: string): boolean {
    return this.broken.has(path.resolve(file));
  }

  /** Forgets the cached parse of a file changed on disk. */
  invalidate(file: string): void {
    this.loader.invalidate(file);
  }

  /**
   * The state before `migration` (its dependencies applied); the last 16
   * are cached until the migrations change. Do not mutate: clone first.
   */
  stateBefore(migration: Migration): ProjectState {
    const id = keyString(migration.key);
    let s = this.statesBefore.get(id);
    if (s) {
      this.statesBefore.delete(id);
    } else {
      s = this.loader.projectState(migration.key, false);
      if (this.statesBefore.size >= 16) this.statesBefore.delete(this.statesBefore.keys().next().value!);
    }
    this.statesBefore.set(id, s);
    return s;
  }

  /**
   * Re-reads what changed (the loader skips unchanged files), rebuilds the
   * graph, the state and the diagnostics. A file with syntax errors gets one
   * summary (syntax.ts), not the errors themselves; when no earlier version
   * of it stands in, its app is in {@link unreadableApps} and the state's
   * errors (consequences of the hole) are not reported.
   */
  refresh(): void {
    const { overrides, errors } = this.overrides();
    this.loader.load({ overrides });
    this.statesBefore.clear();
    this.leaves = leafNames(this.loader);
    const syntax = new Map<string, { errors: TsMigrateError[]; standIn: StandIn }>();
    const other: TsMigrateError[] = [];
    const sort = (e: TsMigrateError, standIn: StandIn): void => {
      const file = e.location?.file;
      if (!file || !isSyntaxError(e)) return void other.push(e);
      const entry = syntax.get(path.resolve(file)) ?? { errors: [], standIn };
      entry.errors.push(e);
      syntax.set(path.resolve(file), entry);
    };
    for (const e of errors) sort(e, "last-good");
    for (const e of this.loader.errors) sort(e, "history-unknown");
    this.unreadableApps = new Set(this.config.apps
      .filter((a) => [...syntax].some(([file, s]) => s.standIn === "history-unknown" && path.dirname(file) === path.resolve(a.migrationsDir)))
      .map((a) => a.label));
    try {
      this.state = this.loader.projectState();
    } catch (e) {
      // Keep the last good state so that the models' drift does not jump around.
      if (this.unreadableApps.size === 0) other.push(...flatten(e));
    }
    this.diagnostics = this.diagnosticsOf(other, syntax);
  }

  /** The migration files' diagnostics: `errors` where they are, one summary per file in `syntax`, conflicts. */
  private diagnosticsOf(errors: readonly TsMigrateError[], syntax: ReadonlyMap<string, { errors: TsMigrateError[]; standIn: StandIn }>): Map<string, Diagnostic[]> {
    const diags = new Map<string, Diagnostic[]>();
    const text = (f: string): string | undefined => this.documents.text(f);
    const add = (file: string, list: readonly Diagnostic[]): void => void diags.set(file, [...(diags.get(file) ?? []), ...list]);
    for (const e of errors) {
      const file = e.location?.file;
      if (file) add(file, [errorDiagnostic(e, text, file)]);
      else this.log(`migration error without a file: ${e.message}`);
    }
    for (const [file, s] of syntax) add(file, [syntaxSummary(s.errors, text(file), s.standIn)]);
    for (const [file, list] of conflictDiagnostics(this.loader, text)) add(file, list);
    return diags;
  }

  /** Open migration buffers, with a buffer that does not parse replaced by its last good text (its errors reported separately). */
  private overrides(): { overrides: Map<string, string>; errors: TsMigrateError[] } {
    const overrides = new Map<string, string>();
    const errors: TsMigrateError[] = [];
    this.broken = new Set();
    for (const file of this.documents.openFiles()) {
      if (!this.isMigration(file)) continue;
      const text = this.documents.text(file)!;
      try {
        this.loader.loadMigrationFile(file, text);
        this.lastGoodText.set(file, text);
        overrides.set(file, text);
      } catch (e) {
        this.broken.add(path.resolve(file));
        const good = this.lastGoodText.get(file);
        if (good !== undefined) {
          errors.push(...flatten(e, file));
          overrides.set(file, good);
        } else {
          overrides.set(file, text); // no good version: the loader reports the error itself
        }
      }
    }
    return { overrides, errors };
  }
}

interface ModelParse {
  readonly text: ChunkedText;
  /** The generation of the imported files it was read with. */
  readonly generation: number;
  readonly parsed: ParsedModelFile;
  readonly syntaxOk: boolean;
  /** What resolution uses: the parse, or the last good one with this parse's errors (stable identity). */
  readonly used: ParsedModelFile;
}

/** What a models file's parse says, locations included (VERIFY's comparison of a quick read with a whole parse). */
function parseSummary(parsed: ParsedModelFile): string {
  const at = (l: SourceLocation | undefined): string => (l ? `${l.line}:${l.column}-${l.endLine}:${l.endColumn}` : "-");
  return JSON.stringify({
    errors: parsed.errors.map((e) => `${at(e.location)} ${e.code} ${e.message}`),
    classes: parsed.classes.map((c) => [c.name, c.exported, c.base, c.abstract, at(c.location), at(c.baseLocation), at(c.metaLocation), c.meta,
      c.fields.map((f) => [f.name, at(f.location), at(f.nameLocation), f.call])]),
    imports: [...parsed.imports],
  });
}

/** Files the models files may import: TypeScript sources other than migrations. */
const SOURCE_RE = /\.(ts|tsx|mts|cts)$/;

/**
 * The models files of a project as the editor sees them. One TypeScript
 * program serves the whole session (a changed file is re-parsed
 * incrementally), each file keeps a cache of its classes (only classes whose
 * text changed are read again), and unsaved buffers of the files they import
 * (shared constants, enums, field helpers) are read instead of the disk.
 */
export class ModelSources {
  /** The last resolution (undefined before the first refresh). */
  loaded: LoadedModels | undefined;
  private readonly parses = new Map<string, ModelParse>();
  /** Each file's last parse with no syntax error. */
  private readonly lastGood = new Map<string, ModelParse>();
  private readonly incremental: IncrementalModels;
  private readonly program = new ModelProgram();
  private readonly classes = new Map<string, ClassCache>();
  private overrides = new Map<string, string>();
  /** Changes whenever an imported file's text changes (every class is read again). */
  private generation = 0;
  private fullNext = false;

  /**
   * @param isProjectFile true for models files, migration files and the config (never an import to follow)
   */
  constructor(
    private readonly config: ProjectConfig, private readonly documents: DocumentStore, private readonly log: (m: string) => void,
    private readonly isProjectFile: (file: string) => boolean = () => false,
  ) {
    this.incremental = new IncrementalModels(config, () => moduleReader(this.program, this.overrides), (f) => {
      const cache = this.classes.get(f);
      return cache && (() => cache.spans);
    });
  }

  /** Makes the next refresh resolve every models file (after a save or a disk change: cross-app checks exact again). */
  requestFull(): void {
    this.fullNext = true;
  }

  /** True when the models files' reading used `file` (an imported constant, enum or helper), as of the last refresh. */
  imports(file: string): boolean {
    return this.program.loaded(file);
  }

  /** An imported file changed on disk: read it again at the next refresh. */
  importChanged(): void {
    this.program.diskChanged();
    this.generation++;
  }

  /** What the class caches did in the last refresh (classes read and reused, files read from the edited class alone), for tests and the bench. */
  classStats(): ClassCacheStats {
    const total: ClassCacheStats = { read: 0, reused: 0, quick: 0 };
    for (const c of this.classes.values()) {
      total.read += c.stats.read;
      total.reused += c.stats.reused;
      total.quick += c.stats.quick;
    }
    return total;
  }

  /** True when the text of `file` has syntax errors (its last good parse stands in, when there is one). */
  syntaxBroken(file: string): boolean {
    return this.parses.get(path.resolve(file))?.syntaxOk === false;
  }

  /** True when `file` does not parse and the models of its last version that parsed stand in. */
  hasStandIn(file: string): boolean {
    const entry = this.parses.get(path.resolve(file));
    return entry !== undefined && !entry.syntaxOk && entry.used !== entry.parsed;
  }

  /**
   * Re-parses the files whose text changed and resolves the models.
   * Returns what may have changed, or undefined when nothing did.
   */
  refresh(): Resolution | undefined {
    let changed = this.loaded === undefined;
    if (this.readBuffers()) changed = true;
    const parsedList: ParsedModelFile[] = [];
    const seen = new Set<string>();
    for (const c of this.classes.values()) c.stats.read = c.stats.reused = c.stats.quick = 0;
    for (const app of this.config.apps) {
      const file = path.resolve(app.modelsFile);
      seen.add(file);
      const text = this.documents.chunks(file);
      if (text === undefined) {
        if (this.parses.delete(file)) changed = true;
        continue;
      }
      let entry = this.parses.get(file);
      if (!entry || !ChunkedText.equal(entry.text, text) || entry.generation !== this.generation) {
        entry = this.parse(app.label, file, text);
        changed = true;
      }
      parsedList.push(entry.used);
    }
    for (const f of [...this.parses.keys()]) if (!seen.has(f)) this.forget(f);
    if (!changed && !this.fullNext) return undefined;
    const result = this.incremental.resolve(parsedList, this.fullNext);
    this.fullNext = false;
    this.loaded = result.loaded;
    if (VERIFY) this.verify(parsedList, result.loaded);
    return result;
  }

  /**
   * Test mode: the incremental resolution against a full one of the same
   * parses, and (when every file parses) against a fresh read of every file
   * with no cache (class reuse, moved locations, incremental parsing).
   */
  private verify(parsedList: readonly ParsedModelFile[], loaded: LoadedModels): void {
    const mine = modelsSummary(loaded);
    const full = modelsSummary(resolveModels(parsedList, this.config, moduleReader(this.program, this.overrides)));
    if (full !== mine) this.log(`incremental mismatch (models): ${mine} != ${full}`);
    if ([...this.parses.values()].some((p) => !p.syntaxOk)) return;
    const buffers = new Map(this.overrides);
    for (const app of this.config.apps) {
      const text = this.documents.text(app.modelsFile);
      if (text !== undefined) buffers.set(app.modelsFile, text);
    }
    const fresh = modelsSummary(loadModels(this.config, buffers));
    if (fresh !== mine) this.log(`incremental mismatch (fresh read): ${mine} != ${fresh}`);
  }

  private parse(app: string, file: string, text: ChunkedText): ModelParse {
    let cache = this.classes.get(file);
    if (!cache) this.classes.set(file, (cache = new ClassCache()));
    // An edit inside one class's body: that class is read without parsing the whole file (which is parsed
    // when something needs it).
    const good = this.lastGood.get(file);
    const quick = good && cache.quick(good.parsed, good.text, text, this.program, this.generation, this.overrides);
    if (quick) this.program.defer(file, () => text.toString());
    if (quick && VERIFY) {
      const mine = parseSummary(quick);
      const full = parseSummary(parseModelFile(app, file, text.toString(), new ModelProgram(this.overrides)));
      if (mine !== full) this.log(`incremental mismatch (quick read): ${mine} != ${full}`);
    }
    const parsed = quick ?? parseModelFile(app, file, text.toString(), this.program, cache.reading(this.program, this.generation, this.overrides, text));
    if (!quick) {
      // Quick reads need no tree of the whole file, the most memory a file of thousands of classes holds.
      cache.dropNodes();
      this.program.release(file);
    }
    const syntaxOk = !parsed.errors.some((e) => e.code === "syntax");
    const used = syntaxOk || !good ? parsed : { ...good.parsed, errors: parsed.errors };
    const entry: ModelParse = { text, generation: this.generation, parsed, syntaxOk, used };
    this.parses.set(file, entry);
    if (syntaxOk) this.lastGood.set(file, entry);
    return entry;
  }

  private forget(file: string): void {
    this.parses.delete(file);
    this.lastGood.delete(file);
    this.classes.delete(file);
    this.program.forget(file);
  }

  /**
   * Takes the open buffers of the files the models may import. Returns true
   * (and starts a new generation) when the text of one the models' reading
   * used changed.
   */
  private readBuffers(): boolean {
    const next = new Map<string, string>();
    for (const file of this.documents.openFiles()) {
      if (SOURCE_RE.test(file) && !this.isProjectFile(file)) next.set(path.resolve(file), this.documents.text(file)!);
    }
    this.overrides = next;
    if (!this.program.setOverrides(next)) return false;
    this.generation++;
    return true;
  }
}
