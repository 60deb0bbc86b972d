/**
 * The server's own file watching, for LSP clients that cannot register file
 * watchers (no `workspace.didChangeWatchedFiles.dynamicRegistration`: Neovim
 * before 0.9, many small clients). Without it a migration written from a
 * terminal (`tsmigrate makemigrations`) would leave its drift diagnostic in
 * place. Uses chokidar, two levels deep from the project root and from each
 * app's folder (the app's `migrations/` is one level down), skipping
 * node_modules and .git, and reports the same changes the client's watchers
 * would (`models.ts`, `migrations/*.ts`, `tsmigrate.config.json`).
 */
import * as path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { CONFIG_FILE } from "../engine/config";
import { MIGRATION_FILE_RE } from "../engine/loader";

/** How a watched file changed, as `workspace/didChangeWatchedFiles` says it. */
export type WatchedChange = "created" | "changed" | "deleted";

/** True for the files the client's watchers would report (WATCH_GLOBS in server.ts). */
export function isWatchedFile(file: string): boolean {
  const base = path.basename(file);
  if (base === "models.ts" || base === CONFIG_FILE) return true;
  return path.basename(path.dirname(file)) === "migrations" && MIGRATION_FILE_RE.test(base);
}

/** Watches the project's files; {@link update} follows a changed config; {@link close} stops. */
export class FallbackWatcher {
  private readonly watcher: FSWatcher;
  private readonly watched = new Set<string>();

  /**
   * @param root the project root (the config's folder).
   * @param appDirs each app's folder (its `models.ts`' folder).
   * @param onChange called with the absolute path of each created, changed or deleted project file.
   */
  constructor(root: string, appDirs: readonly string[], private readonly onChange: (file: string, how: WatchedChange) => void) {
    const dirs = [...new Set([root, ...appDirs].map((d) => path.resolve(d)))];
    for (const d of dirs) this.watched.add(d);
    this.watcher = watch(dirs, { ignoreInitial: true, depth: 1, ignored: (p) => /[\\/](node_modules|\.git)([\\/]|$)/.test(p) });
    const report = (how: WatchedChange) => (file: string): void => {
      const abs = path.resolve(file);
      if (isWatchedFile(abs)) this.onChange(abs, how);
    };
    this.watcher.on("add", report("created")).on("change", report("changed")).on("unlink", report("deleted"));
  }

  /** Also watches apps added since (a changed config); folders already watched stay. */
  update(appDirs: readonly string[]): void {
    for (const dir of appDirs) this.add(dir);
  }

  /** Resolves once the initial scan is done (tests wait for it before writing files). */
  ready(): Promise<void> {
    return new Promise((resolve) => this.watcher.once("ready", () => resolve()));
  }

  /** Stops watching. */
  close(): Promise<void> {
    return this.watcher.close();
  }

  private add(dir: string): void {
    const abs = path.resolve(dir);
    if (this.watched.has(abs)) return;
    this.watched.add(abs);
    this.watcher.add(abs);
  }
}
