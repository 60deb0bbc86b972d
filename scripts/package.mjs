// Builds the VS Code extension's .vsix, offline:
//   node scripts/package.mjs [--target <vsce target>|universal] [--out <file.vsix>] [--no-build]
// 1. builds the bundles (scripts/build.mjs): dist/client.js and dist/server.js carry their JS
//    dependencies, so the .vsix needs no node_modules but better-sqlite3 (native);
// 2. stages the extension in out/vsix-stage/: a manifest made from package.json (main =
//    dist/client.js, the only dependencies better-sqlite3 and the TypeScript server plugin), the
//    bundles, the grammars, the icon, client/README.md as README.md, better-sqlite3's runtime
//    files (package.json without its build-time dependencies, lib/, the prebuilt addon of the
//    target platform) and the TypeScript server plugin's package (scripts/ts-plugin.mjs);
// 3. runs `vsce package` there with the repository's allowlist .vscodeignore;
// 4. prints the .vsix's size and file list, and fails if a file the extension loads is missing
//    or a file outside the allowlist slipped in;
// 5. packs the npm package (`npm pack` into out/: the CLI, the Node check, the runtime entry and
//    the model language's types, its dependencies installed, not bundled), prints its packed and
//    unpacked sizes and file list, and fails unless its files are exactly scripts/npm-files.json's;
// 6. prints both packages' sizes side by side.
// Default target: this machine's (linux-x64 here); `universal` ships every prebuild.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { TS_PLUGIN, TS_PLUGIN_FILES, writeTsPlugin } from "./ts-plugin.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STAGE = join(ROOT, "out", "vsix-stage");

/** vsce targets → better-sqlite3 prebuild names (prebuilds/<name>.node). */
const PREBUILDS = {
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "alpine-x64": "linuxmusl-x64",
  "alpine-arm64": "linuxmusl-arm64",
  "darwin-x64": "darwin-x64",
  "darwin-arm64": "darwin-arm64",
  "win32-x64": "win32-x64",
  "win32-arm64": "win32-arm64",
};

/** Manifest keys copied from package.json as they are. */
const MANIFEST_KEYS = [
  "name", "displayName", "description", "version", "publisher", "license", "engines", "categories", "keywords",
  "icon", "galleryBanner", "repository", "homepage", "bugs", "activationEvents", "capabilities", "contributes",
];

function parseArgs(argv) {
  const args = { target: undefined, out: undefined, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--target") args.target = argv[++i];
    else if (a === "--out") args.out = argv[++i];
    else if (a === "--no-build") args.build = false;
    else throw new Error(`unknown argument ${a} (expected --target <target>, --out <file.vsix>, --no-build)`);
  }
  return args;
}

/** This machine's vsce target (alpine-* on musl). */
function hostTarget() {
  const musl = process.platform === "linux" && !process.report.getReport().header.glibcVersionRuntime;
  const target = `${musl ? "alpine" : process.platform}-${process.arch}`;
  if (!(target in PREBUILDS)) throw new Error(`no better-sqlite3 prebuild for ${target}; pass --target`);
  return target;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal})`);
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
}

/** The entries of a zip file (name, uncompressed size), read from its central directory. */
function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLength);
    entries.push({ name, size, method, compressed, local });
    at += 46 + nameLength + extraLength + commentLength;
  }
  /** The bytes of one entry. */
  const read = (entry) => {
    const start = entry.local + 30 + buf.readUInt16LE(entry.local + 26) + buf.readUInt16LE(entry.local + 28);
    const data = buf.subarray(start, start + entry.compressed);
    return entry.method === 0 ? data : inflateRawSync(data);
  };
  return { entries, read };
}

/** A glob of .vscodeignore (`**`, `*`, `{a,b}`, literal) as a RegExp over a path. */
function globRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "{") re += "(?:";
    else if (c === "}") re += ")";
    else if (c === ",") re += "|";
    else re += c.replace(/[.+?^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** `npm pack` into `dir`: the tarball's path, packed and unpacked sizes (bytes) and files ({ path, size }). */
function packNpm(dir) {
  const result = spawnSync("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (result.status !== 0) throw new Error(`npm pack failed (${result.status ?? result.signal}): ${result.stderr}`);
  const [info] = JSON.parse(result.stdout);
  return { file: join(dir, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files };
}

function human(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} kB`;
}

const args = parseArgs(process.argv.slice(2));
const target = args.target ?? hostTarget();
if (target !== "universal" && !(target in PREBUILDS)) throw new Error(`unknown target ${target} (one of ${Object.keys(PREBUILDS).join(", ")}, universal)`);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const out = resolve(args.out ?? join(ROOT, "out", `${pkg.name}-${target}-${pkg.version}.vsix`));

if (args.build) run(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT });
for (const file of ["dist/client.js", "dist/server.js", "dist/ts-plugin.js"]) {
  if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: the build did not produce it`);
}

// Stage.
rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
const sqlitePkg = JSON.parse(readFileSync(join(ROOT, "node_modules/better-sqlite3/package.json"), "utf8"));
const manifest = {};
for (const key of MANIFEST_KEYS) if (pkg[key] !== undefined) manifest[key] = pkg[key];
manifest.main = "./dist/client.js";
// The TypeScript server plugin is a dependency too: vsce lists the staged node_modules with `npm list`.
manifest.dependencies = { "better-sqlite3": sqlitePkg.version, [TS_PLUGIN]: pkg.version };
writeFileSync(join(STAGE, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(join(ROOT, ".vscodeignore"), join(STAGE, ".vscodeignore"));
copy(join(ROOT, "client/README.md"), join(STAGE, "README.md"));
if (existsSync(join(ROOT, "LICENSE"))) copy(join(ROOT, "LICENSE"), join(STAGE, "LICENSE"));
if (pkg.icon) copy(join(ROOT, pkg.icon), join(STAGE, pkg.icon));
for (const file of ["dist/client.js", "dist/server.js", "syntaxes"]) copy(join(ROOT, file), join(STAGE, file));
// better-sqlite3: what it loads at run time. node-addon-api is a build-time dependency (headers).
const sqliteStage = join(STAGE, "node_modules/better-sqlite3");
const { dependencies: _build, devDependencies: _dev, scripts: _scripts, ...sqliteManifest } = sqlitePkg;
mkdirSync(sqliteStage, { recursive: true });
writeFileSync(join(sqliteStage, "package.json"), `${JSON.stringify(sqliteManifest, null, 2)}\n`);
copy(join(ROOT, "node_modules/better-sqlite3/lib"), join(sqliteStage, "lib"));
copy(join(ROOT, "node_modules/better-sqlite3/LICENSE"), join(sqliteStage, "LICENSE"));
const prebuilds = target === "universal" ? Object.values(PREBUILDS) : [PREBUILDS[target]];
for (const name of prebuilds) copy(join(ROOT, `node_modules/better-sqlite3/prebuilds/${name}.node`), join(sqliteStage, `prebuilds/${name}.node`));
// The TypeScript server plugin and the declarations it resolves "tsmigrate" to.
writeTsPlugin(ROOT, STAGE, pkg.version);

// Package (vsce lists dependencies with `npm list --production`, all local: no network).
mkdirSync(dirname(out), { recursive: true });
rmSync(out, { force: true });
const vsce = join(ROOT, "node_modules/@vscode/vsce/vsce");
const vsceArgs = ["package", "--out", out, "--skip-license", "--allow-missing-repository", "--no-update-package-json", "--no-git-tag-version"];
if (target !== "universal") vsceArgs.push("--target", target);
run(process.execPath, [vsce, ...vsceArgs], { cwd: STAGE, env: { ...process.env, npm_config_update_notifier: "false" } });

// Report and check.
const { entries, read } = zipEntries(out);
const files = entries.map((e) => e.name).filter((n) => !n.endsWith("/"));
console.log(`\n${relative(process.cwd(), out)}: ${human(statSync(out).size)} (${files.length} files)`);
for (const e of entries) console.log(`  ${e.name.padEnd(64)} ${human(e.size).padStart(10)}`);

const allow = readFileSync(join(ROOT, ".vscodeignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l.startsWith("!"))
  .map((l) => globRegExp(l.slice(1)));
// vsce's own files, and the README and LICENSE it renames to readme.md and LICENSE.txt (shown in the Extensions view).
const vsixMeta = new Set(["extension.vsixmanifest", "[Content_Types].xml", "extension/readme.md", "extension/LICENSE.txt"]);
const stray = files.filter((f) => !vsixMeta.has(f) && !(f.startsWith("extension/") && allow.some((re) => re.test(f.slice("extension/".length)))));
if (stray.length > 0) throw new Error(`files outside the .vscodeignore allowlist: ${stray.join(", ")}`);
const required = [
  "extension/package.json",
  "extension/dist/client.js",
  "extension/dist/server.js",
  "extension/node_modules/better-sqlite3/package.json",
  "extension/node_modules/better-sqlite3/lib/index.js",
  ...prebuilds.map((p) => `extension/node_modules/better-sqlite3/prebuilds/${p}.node`),
  ...TS_PLUGIN_FILES.map((f) => `extension/${f}`),
  ...pkg.contributes.grammars.map((g) => `extension/${g.path.replace(/^\.\//, "")}`),
];
const missing = required.filter((f) => !files.includes(f));
if (missing.length > 0) throw new Error(`the .vsix lacks ${missing.join(", ")}`);
const shipped = JSON.parse(read(entries.find((e) => e.name === "extension/package.json")).toString("utf8"));
if (shipped.main !== "./dist/client.js") throw new Error(`the .vsix's main is ${shipped.main}, expected ./dist/client.js`);
console.log(`ok: ${out}`);

// The npm package.
const npm = packNpm(dirname(out));
console.log(`\n${relative(process.cwd(), npm.file)}: ${human(npm.size)} packed, ${human(npm.unpackedSize)} unpacked (${npm.files.length} files)`);
for (const f of npm.files) console.log(`  ${f.path.padEnd(64)} ${human(f.size).padStart(10)}`);
const allowed = JSON.parse(readFileSync(join(ROOT, "scripts/npm-files.json"), "utf8")).files;
const packed = npm.files.map((f) => f.path);
const npmStray = packed.filter((f) => !allowed.includes(f));
if (npmStray.length > 0) throw new Error(`npm package files outside scripts/npm-files.json: ${npmStray.join(", ")}`);
const npmMissing = allowed.filter((f) => !packed.includes(f));
if (npmMissing.length > 0) throw new Error(`the npm package lacks ${npmMissing.join(", ")}`);

console.log("\npackages:");
console.log(`  ${relative(process.cwd(), out).padEnd(48)} ${human(statSync(out).size).padStart(10)} (vsix, ${files.length} files)`);
console.log(`  ${relative(process.cwd(), npm.file).padEnd(48)} ${human(npm.size).padStart(10)} (npm, ${human(npm.unpackedSize)} unpacked, ${npm.files.length} files)`);
