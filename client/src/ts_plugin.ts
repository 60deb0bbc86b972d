/**
 * A TypeScript server plugin (tsserver loads it; VS Code's TypeScript
 * extension passes it through package.json's
 * `contributes.typescriptServerPlugins`): in a project that has not
 * installed the `tsmigrate` npm package, `import { models } from "tsmigrate"`
 * resolves to the model language's declarations shipped with the extension
 * (`tsmigrate.d.ts` next to this file, a copy of `types/index.d.ts`), so
 * models and migration files get types and completions instead of
 * "Cannot find module 'tsmigrate'".
 *
 * Only a failed resolution is replaced: a project with its own `tsmigrate`
 * (installed, `paths`, a workspace package) keeps it, and once the package
 * is installed TypeScript's resolution cache finds it again. The module
 * `tsmigrate` has no subpath exports (package.json `exports` is `"."` only),
 * so only the bare name is handled.
 *
 * Runs inside tsserver, not in the extension host: no `vscode` import, and
 * TypeScript's own module comes from tsserver (`modules.typescript`), never
 * bundled. Built to `dist/ts-plugin.js`; scripts/ts-plugin.mjs stages it as
 * the package `tsmigrate-typescript-plugin` in the extension's node_modules,
 * where tsserver looks for global plugins.
 */
import * as path from "node:path";
import type * as ts from "typescript";

/** The module name the plugin resolves. */
const MODULE = "tsmigrate";
/** The declarations file shipped beside the plugin's `index.js`. */
const DECLARATIONS = "tsmigrate.d.ts";

type ResolveLiterals = NonNullable<ts.LanguageServiceHost["resolveModuleNameLiterals"]>;
type ResolveNames = NonNullable<ts.LanguageServiceHost["resolveModuleNames"]>;

/** A resolution of `tsmigrate` to the bundled declarations (`file`, absolute). */
function bundled(typescript: typeof ts, file: string): ts.ResolvedModuleFull {
  return { resolvedFileName: file, extension: typescript.Extension.Dts, isExternalLibraryImport: true };
}

/**
 * Wraps the host's module resolution (`resolveModuleNameLiterals` since
 * TypeScript 5.0, `resolveModuleNames` before) so that an unresolved
 * `tsmigrate` resolves to `declarations`. Mutates `host`.
 */
function patchHost(typescript: typeof ts, host: ts.LanguageServiceHost, declarations: string): void {
  const literals = host.resolveModuleNameLiterals?.bind(host);
  if (literals) {
    const wrapped: ResolveLiterals = (names, ...rest) => literals(names, ...rest).map((r, i) =>
      (names[i]!.text === MODULE && !r.resolvedModule ? { ...r, resolvedModule: bundled(typescript, declarations) } : r));
    host.resolveModuleNameLiterals = wrapped;
  }
  const names = host.resolveModuleNames?.bind(host);
  if (names) {
    const wrapped: ResolveNames = (moduleNames, ...rest) => names(moduleNames, ...rest).map((r, i) =>
      (moduleNames[i] === MODULE && !r ? bundled(typescript, declarations) : r));
    host.resolveModuleNames = wrapped;
  }
}

/** The plugin module's factory, as tsserver calls it. */
function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  return {
    create(info) {
      const declarations = path.join(__dirname, DECLARATIONS);
      patchHost(modules.typescript, info.languageServiceHost, declarations);
      info.project.projectService.logger.info(`tsmigrate-typescript-plugin: an unresolved "${MODULE}" resolves to ${declarations}`);
      return info.languageService;
    },
  };
}

export = init;
