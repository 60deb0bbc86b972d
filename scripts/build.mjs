// Builds the bundles with esbuild: the npm package's (CLI, runtime entry, Node check) and the
// VS Code extension's (client, language server).
// - The npm package installs its dependencies (package.json `dependencies`): its bundles keep
//   every package external, so it ships no bundled copy of an installed library; the CLI bundles
//   its ES-module-only argument parser (commander, a devDependency: see BUNDLED_IN_CLI).
// - The .vsix ships no node_modules but better-sqlite3 (native): its bundles carry their JS
//   dependencies; `vscode` is the host's.
// - dist/node-support.js is built for old Nodes: bin/tsmigrate.js runs it first, on any Node.
// - The CLI loads the TypeScript compiler (ts-morph, ~13 MB of JavaScript) only when a command
//   first uses it (reading model files, or a migration file not in the parse cache), and pg only
//   when a PostgreSQL database is opened: their imports are modules of getters that require the
//   real package on first access (lazyPackages below), so showmigrations, sqlmigrate and migrate
//   on SQLite with nothing to compare with the models never load them.
// Bundles are not minified, so a stack trace reads without maps. The maps (for debugging here)
// are written next to the bundles and ship in neither package; the npm package's bundles do not
// even name theirs (sourcemap "external"), so no shipped file points at a missing map.
import { build } from "esbuild";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTsPlugin } from "./ts-plugin.mjs";

const common = { bundle: true, platform: "node", target: "node22", format: "cjs", sourcemap: true, logLevel: "warning" };

/**
 * Packages the CLI loads on first use, not at start-up: the TypeScript compiler, PostgreSQL's driver,
 * the JSONC editor `startapp` uses (its tables cost every start-up ~4 ms), and the built-in modules
 * only some commands use (commander's child_process, for subcommands tsmigrate does not have;
 * readline, for questions).
 */
const LAZY = ["ts-morph", "pg", "jsonc-parser", "node:child_process", "node:readline"];
/** LAZY packages only server/src imports (not bundled libraries): their lazy module has only the names it imports. */
const RESTRICTED = ["ts-morph", "jsonc-parser"];

/**
 * The names `server/src` imports from `pkg` with `import { a, type B, c as d } from "pkg"`, or
 * undefined when some file imports it otherwise (a default or namespace import takes every name).
 */
function importedNames(pkg) {
  const names = new Set();
  const quoted = pkg.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const named = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*["']${quoted}["']`, "g");
  const any = new RegExp(`from\\s*["']${quoted}["']|require\\(["']${quoted}["']\\)`, "g");
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, e.name);
      if (e.isDirectory()) {
        if (walk(file) === undefined) return undefined;
      } else if (file.endsWith(".ts")) {
        const text = readFileSync(file, "utf8");
        const found = [...text.matchAll(named)];
        if ((text.match(any) ?? []).length !== found.length) return undefined;
        for (const m of found) {
          for (const spec of m[1].split(",").map((x) => x.trim()).filter(Boolean)) {
            if (!spec.startsWith("type ")) names.add(spec.split(/\s+as\s+/)[0]);
          }
        }
      }
    }
    return names;
  };
  return walk(join(dirname(fileURLToPath(import.meta.url)), "..", "server", "src"));
}

/**
 * An esbuild plugin: `import ... from "<a LAZY package>"` gets an object whose exports are
 * getters requiring the real package on first access (esbuild reads named imports of a CommonJS
 * module as property accesses at each use, so nothing is loaded before a use). For a RESTRICTED
 * package only the names server/src imports get a getter when it imports only names (ts-morph
 * exports 538, and each importing module copies every getter at start-up); a name the package
 * lacks fails the build.
 */
const lazyPackages = {
  name: "lazy-packages",
  setup(b) {
    const require = createRequire(import.meta.url);
    const filter = new RegExp(`^(${LAZY.join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === "lazy" ? { path: args.path, external: true } : { path: args.path, namespace: "lazy" });
    b.onLoad({ filter: /.*/, namespace: "lazy" }, (args) => {
      const name = JSON.stringify(args.path);
      const all = Object.keys(require(args.path));
      const used = RESTRICTED.includes(args.path) ? importedNames(args.path) : undefined;
      for (const n of used ?? []) if (!all.includes(n)) throw new Error(`${args.path} has no export ${n}`);
      return {
        loader: "js",
        contents: [
          "let real;",
          `const load = () => (real ??= require(${name}));`,
          "module.exports = {",
          ...(used ? [...used].sort() : all).map((n) => `  get ${JSON.stringify(n)}() { return load()[${JSON.stringify(n)}]; },`),
          "};",
        ].join("\n"),
      };
    });
  },
};

/**
 * An esbuild plugin: Node's `node:fs` and `node:path`, which ~40 modules of the CLI import, resolve to
 * one ES module each that re-exports the built-in. A CommonJS bundle otherwise turns every
 * `import * as fs from "node:fs"` into `__toESM(require("node:fs"))`, a new object with a getter per
 * export made for each importing module at start-up (~3 ms of the CLI's); re-exported once, the
 * importers share its namespace.
 */
const sharedBuiltins = {
  name: "shared-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:(fs|path)$/ }, (args) =>
      args.namespace === "builtin" ? { path: args.path, external: true } : { path: args.path, namespace: "builtin" });
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({ loader: "js", contents: `export * from ${JSON.stringify(args.path)};\n` }));
  },
};

/**
 * ES-module-only packages the CLI bundles (devDependencies, not installed with the package):
 * requiring an ES module from the CommonJS bundle starts Node's ES module loader, ~50 ms at every
 * start-up of the CLI.
 */
const BUNDLED_IN_CLI = ["commander", "@commander-js/extra-typings"];
const manifest = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "package.json"), "utf8"));
const cliExternal = Object.keys(manifest.dependencies);
for (const name of BUNDLED_IN_CLI) if (cliExternal.includes(name)) throw new Error(`${name} is bundled into the CLI: a devDependency, not a dependency`);

/**
 * Escapes the non-ASCII characters esbuild leaves in comments (its output is
 * otherwise ASCII): V8 keeps a script's source for the process's whole life,
 * and one such character makes it two bytes a character (the server's 16 MB
 * bundle held 32 MB of its heap). Fails on one outside a comment, where an
 * escape could change what the code means (a raw template).
 */
function asciiComments(file) {
  const text = readFileSync(file, "utf8");
  if (!/[^\x00-\x7f]/.test(text)) return;
  const lines = text.split("\n").map((line, i) => {
    const at = line.search(/[^\x00-\x7f]/);
    if (at < 0) return line;
    const comment = line.trimStart().startsWith("*") || line.trimStart().startsWith("/*") || line.lastIndexOf("//", at) >= 0;
    if (!comment) throw new Error(`${file}:${i + 1}: a non-ASCII character outside a comment: ${line.trim().slice(0, 80)}`);
    return line.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  });
  writeFileSync(file, lines.join("\n"));
}

const entries = [
  { entryPoints: ["server/src/engine/node-support.ts"], outfile: "dist/node-support.js", target: "node12", sourcemap: false },
  { entryPoints: ["server/src/cli/main.ts"], outfile: "dist/cli.js", external: cliExternal, sourcemap: "external", plugins: [lazyPackages, sharedBuiltins] },
  { entryPoints: ["server/src/index.ts"], outfile: "dist/index.js", packages: "external", sourcemap: "external" },
  // mainFields: jsonc-parser's "main" is a UMD build whose requires esbuild cannot follow; its "module" is plain ESM.
  { entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"], mainFields: ["module", "main"] },
  { entryPoints: ["server/src/lsp/main.ts"], outfile: "dist/server.js", external: ["better-sqlite3"] },
  // The TypeScript server plugin runs in tsserver, which hands it TypeScript: nothing to bundle but itself.
  { entryPoints: ["client/src/ts_plugin.ts"], outfile: "dist/ts-plugin.js", sourcemap: false },
].filter((e) => existsSync(e.entryPoints[0]));

await Promise.all(entries.map((e) => build({ ...common, ...e })));
for (const e of entries) asciiComments(e.outfile);

// The plugin as tsserver finds it when the extension runs from this folder (F5): node_modules/<plugin>.
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (existsSync(join(root, "dist", "ts-plugin.js"))) {
  writeTsPlugin(root, root, JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
}
