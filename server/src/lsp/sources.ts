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
import { MultipleErrors, TsMigrateError } from "../engine/errors";
import { MigrationLoader } from "../engine/loader";
import { keyString, type Migration } from "../engine/migration";
import { type LoadedModels, type ParsedModelFile, parseModelFile, resolveModels } from "../engine/source/models";
import { ProjectState } from "../engine/state";
import { conflictDiagnostics, errorDiagnostic } from "./diagnostics";
import type { DocumentStore } from "./documents";
import { leafNames } from "./drift";
import { IncrementalModels, modelsSummary } from "./incremental";

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
  private broken = new Set<string>();
  private readonly lastGoodText = new Map<string, string>();
  private readonly statesBefore = new Map<string, ProjectState>();

  /**
   * @param isMigration true for a path in some app's migrations folder
   * @param log the server's log
   */
  constructor(
    config: ProjectConfig, private readonly documents: DocumentStore,
    private readonly isMigration: (file: string) => boolean, private readonly log: (m: string) => void,
  ) {
    this.loader = new MigrationLoader(config);
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

  /** Re-reads what changed (the loader skips unchanged files), rebuilds the graph, the state and the diagnostics. */
  refresh(): void {
    const diags = new Map<string, Diagnostic[]>();
    const text = (f: string): string | undefined => this.documents.text(f);
    const add = (e: TsMigrateError): void => {
      const file = e.location?.file;
      if (!file) {
        this.log(`migration error without a file: ${e.message}`);
        return;
      }
      diags.set(file, [...(diags.get(file) ?? []), errorDiagnostic(e, text, file)]);
    };
    const { overrides, errors } = this.overrides();
    for (const e of errors) add(e);
    this.loader.load({ overrides });
    this.statesBefore.clear();
    this.leaves = leafNames(this.loader);
    for (const e of this.loader.errors) add(e);
    for (const [file, list] of conflictDiagnostics(this.loader, text)) {
      diags.set(file, [...(diags.get(file) ?? []), ...list]);
    }
    try {
      this.state = this.loader.projectState();
    } catch (e) {
      // Keep the last good state so that the models' drift does not jump around.
      for (const err of flatten(e)) add(err);
    }
    this.diagnostics = diags;
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
  readonly text: string;
  readonly parsed: ParsedModelFile;
  readonly syntaxOk: boolean;
  /** What resolution uses: the parse, or the last good one with this parse's errors (stable identity). */
  readonly used: ParsedModelFile;
}

/** The models files of a project as the editor sees them. */
export class ModelSources {
  /** The last resolution (undefined before the first refresh). */
  loaded: LoadedModels | undefined;
  private readonly parses = new Map<string, ModelParse>();
  private readonly lastGood = new Map<string, ParsedModelFile>();
  private readonly incremental: IncrementalModels;
  private fullNext = false;

  constructor(private readonly config: ProjectConfig, private readonly documents: DocumentStore, private readonly log: (m: string) => void) {
    this.incremental = new IncrementalModels(config);
  }

  /** Makes the next refresh resolve every models file (after a save or a disk change: cross-app checks exact again). */
  requestFull(): void {
    this.fullNext = true;
  }

  /** True when the text of `file` has syntax errors (its last good parse stands in). */
  syntaxBroken(file: string): boolean {
    return this.parses.get(path.resolve(file))?.syntaxOk === false;
  }

  /**
   * Re-parses the files whose text changed and resolves the models.
   * Returns the apps whose models may have changed ("all" after a full
   * resolution), or undefined when nothing changed.
   */
  refresh(): Set<string> | "all" | undefined {
    let changed = this.loaded === undefined;
    const parsedList: ParsedModelFile[] = [];
    const seen = new Set<string>();
    for (const app of this.config.apps) {
      const file = path.resolve(app.modelsFile);
      seen.add(file);
      const text = this.documents.text(file);
      if (text === undefined) {
        if (this.parses.delete(file)) changed = true;
        continue;
      }
      let entry = this.parses.get(file);
      if (!entry || entry.text !== text) {
        const parsed = parseModelFile(app.label, file, text);
        const syntaxOk = !parsed.errors.some((e) => e.code === "syntax");
        const good = this.lastGood.get(file);
        const used = syntaxOk || !good ? parsed : { ...good, errors: parsed.errors };
        entry = { text, parsed, syntaxOk, used };
        this.parses.set(file, entry);
        if (syntaxOk) this.lastGood.set(file, parsed);
        changed = true;
      }
      parsedList.push(entry.used);
    }
    for (const f of [...this.parses.keys()]) if (!seen.has(f)) this.parses.delete(f);
    if (!changed && !this.fullNext) return undefined;
    const { loaded, dirty } = this.incremental.resolve(parsedList, this.fullNext);
    this.fullNext = false;
    this.loaded = loaded;
    if (VERIFY) {
      const full = resolveModels(parsedList, this.config);
      if (modelsSummary(full) !== modelsSummary(loaded)) {
        this.log(`incremental mismatch (models): ${modelsSummary(loaded)} != ${modelsSummary(full)}`);
      }
    }
    return dirty;
  }
}
