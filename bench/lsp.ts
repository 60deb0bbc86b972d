/**
 * Language-server bench: on a generated workspace of 1,000 models and 1,000
 * migrations (20 apps × 50 models, one CreateModel migration per model, one
 * field per app not yet in any migration), measures
 * - the time from `initialize` to the first drift diagnostics,
 * - the time from a one-field `didChange` to the updated diagnostics
 *   (median and 95th percentile over 50 edits),
 * - hover latency (model class and migration operation),
 * - the server's resident memory.
 *
 * Runs the built `dist/server.js` when present (as `npm run bench` builds
 * it; `TSMIGRATE_LSP_ENTRY` names another build), else the source through
 * tsx. `lspBench()` returns the lines to print.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type LspClient, positionOf, REPO, removeDir, startServer } from "../test/lsp/harness";
import type { BenchSection } from "./section";

/** Shape of the generated workspace. */
export interface BenchShape {
  apps: number;
  modelsPerApp: number;
}

/** Targets from the issue (ms, MB). */
const TARGETS = { firstDiagnosticsMs: 3000, editP95Ms: 50, hoverMs: 20, rssMb: 400 };

function modelName(i: number): string {
  return `Item${String(i).padStart(3, "0")}`;
}

function fieldsOf(app: number, i: number): string[] {
  const f = [
    `name = models.CharField({ maxLength: NAME_LENGTH + ${i % 50} })`,
    `count = models.IntegerField({ default: ${i % 7} })`,
    `kind = models.CharField({ maxLength: 8, choices: Kind, default: Kind.Basic })`,
    `price = models.DecimalField({ maxDigits: 10, decimalPlaces: 2, null: true })`,
    `created = models.DateTimeField({ autoNowAdd: true })`,
  ];
  if (i > 0) f.push(`parent = models.ForeignKey(${modelName(i - 1)}, { onDelete: models.CASCADE, null: true })`);
  if (i % 10 === 5 && app > 0) f.push(`other = models.ForeignKey("app${String(app - 1).padStart(2, "0")}.${modelName(i)}", { onDelete: models.SET_NULL, null: true })`);
  return f;
}

function migrationFields(app: number, i: number): string {
  const cols = [
    `["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })]`,
    `["name", models.CharField({ maxLength: ${50 + (i % 50)} })]`,
    `["count", models.IntegerField({ default: ${i % 7} })]`,
    `["kind", models.CharField({ choices: [["basic", "Basic"], ["premium", "Premium"]], default: "basic", maxLength: 8 })]`,
    `["price", models.DecimalField({ maxDigits: 10, decimalPlaces: 2, null: true })]`,
    `["created", models.DateTimeField({ autoNowAdd: true })]`,
  ];
  if (i > 0) cols.push(`["parent", models.ForeignKey("${appLabel(app)}.${modelName(i - 1).toLowerCase()}", { onDelete: models.CASCADE, null: true })]`);
  if (i % 10 === 5 && app > 0) cols.push(`["other", models.ForeignKey("${appLabel(app - 1)}.${modelName(i).toLowerCase()}", { onDelete: models.SET_NULL, null: true })]`);
  return cols.map((c) => `        ${c},`).join("\n");
}

function appLabel(a: number): string {
  return `app${String(a).padStart(2, "0")}`;
}

/**
 * Writes the bench workspace under `dir`: `common/constants.ts` (a constant
 * and an enum every models file imports), `<app>/models.ts` and
 * `<app>/migrations/NNNN_item.ts` for every app, and one extra field per app
 * (`extra` on its last model) that no migration has, so every app has drift.
 */
export function generateWorkspace(dir: string, shape: BenchShape): void {
  // Constants and an enum shared by every app, read through the type checker.
  mkdirSync(path.join(dir, "common"), { recursive: true });
  writeFileSync(path.join(dir, "common/constants.ts"),
    `export const NAME_LENGTH = 50;\nexport enum Kind {\n  Basic = "basic",\n  Premium = "premium",\n}\n`);
  for (let a = 0; a < shape.apps; a++) {
    const label = appLabel(a);
    const appDir = path.join(dir, label);
    mkdirSync(path.join(appDir, "migrations"), { recursive: true });
    const classes: string[] = [];
    for (let i = 0; i < shape.modelsPerApp; i++) {
      const fields = fieldsOf(a, i);
      if (i === shape.modelsPerApp - 1) fields.push(`extra = models.BooleanField({ default: false })`);
      classes.push(`export class ${modelName(i)} extends models.Model {\n${fields.map((f) => `  ${f};`).join("\n")}\n}\n`);
      const name = migrationName(i);
      const deps = [i > 0 ? `["${label}", "${migrationName(i - 1)}"]` : undefined,
        i % 10 === 5 && a > 0 ? `["${appLabel(a - 1)}", "${migrationName(i)}"]` : undefined].filter(Boolean);
      writeFileSync(path.join(appDir, "migrations", `${name}.ts`), `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
${i === 0 ? "  initial: true,\n" : ""}  dependencies: [${deps.join(", ")}],
  operations: [
    migrations.CreateModel({
      name: "${modelName(i)}",
      fields: [
${migrationFields(a, i)}
      ],
    }),
  ],
});
`);
    }
    writeFileSync(path.join(appDir, "models.ts"),
      `import { models } from "tsmigrate";\nimport { Kind, NAME_LENGTH } from "../common/constants";\n\n${classes.join("\n")}`);
  }
}

function migrationName(i: number): string {
  return i === 0 ? "0001_initial" : `${String(i + 1).padStart(4, "0")}_${modelName(i).toLowerCase()}`;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)]!;
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function mark(ok: boolean): string {
  return ok ? "ok" : "OVER TARGET";
}

/** Runs the bench and returns the lines to print. */
export async function lspBench(shape: BenchShape = { apps: 20, modelsPerApp: 50 }): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmigrate-lsp-bench-"));
  const lines: string[] = [];
  let client: LspClient | undefined;
  try {
    generateWorkspace(dir, shape);
    const dist = path.join(REPO, "dist/server.js");
    const entry = process.env.TSMIGRATE_LSP_ENTRY ?? (existsSync(dist) ? dist : undefined);
    const lastApp = appLabel(shape.apps - 1);
    const modelsFile = `${lastApp}/models.ts`;
    const t0 = performance.now();
    ({ client } = await startServer({ root: dir, entry, initializationOptions: { trusted: false } }));
    const c = client;
    const modelsUri = c.uri(modelsFile);
    // First drift diagnostics: any file's publish with a tsmigrate drift diagnostic.
    await c.waitFor(() => c.publishLog.find((p) => p.diagnostics.some((d) => String(d.code ?? "").startsWith("drift"))), "first drift diagnostics", 120000);
    const firstMs = performance.now() - t0;

    // Edits: open the last app's models.ts, then add/remove one field 50 times.
    const original = readFileSync(path.join(dir, modelsFile), "utf8");
    await c.open(modelsFile, original);
    await c.waitForDiagnostics(modelsFile, (d) => d.length === 1, "baseline diagnostics", 60000);
    const anchor = positionOf(original, "export class Item000 extends models.Model {\n", "export class Item000 extends models.Model {\n".length);
    const editTimes: number[] = [];
    for (let k = 0; k < 50; k++) {
      const adding = k % 2 === 0;
      const want = adding ? 2 : 1;
      const from = c.publishLog.length;
      const start = performance.now();
      if (adding) {
        await c.edit(modelsFile, { start: anchor, end: anchor }, `  bench${k} = models.IntegerField({ null: true });\n`);
      } else {
        await c.edit(modelsFile, { start: anchor, end: { line: anchor.line + 1, character: 0 } }, "");
      }
      await c.waitFor(() => c.publishLog.slice(from).find((p) => p.uri === modelsUri && p.diagnostics.length === want), `diagnostics after edit ${k}`, 30000);
      editTimes.push(performance.now() - start);
    }
    editTimes.sort((a, b) => a - b);

    // Hovers, each on a different target (no answer is reused): a model class (CREATE TABLE), then an
    // operation of a migration (its SQL), alternately.
    const hoverTimes: number[] = [];
    let withSql = 0;
    for (let k = 0; k < 20; k++) {
      const i = (k * 7) % shape.modelsPerApp;
      let target: { file: string; line: number; character: number };
      if (k % 2 === 0) {
        const p = positionOf(original, `class ${modelName(i)} `, 7);
        target = { file: modelsFile, ...p };
      } else {
        const file = `${lastApp}/migrations/${migrationName(i)}.ts`;
        const p = positionOf(readFileSync(path.join(dir, file), "utf8"), "migrations.CreateModel", 12);
        target = { file, ...p };
      }
      const start = performance.now();
      const text = await c.hover(target.file, target.line, target.character);
      hoverTimes.push(performance.now() - start);
      if (text?.includes("```sql")) withSql++;
    }
    hoverTimes.sort((a, b) => a - b);
    const rss = rssMb(c.proc.pid);

    const editP50 = percentile(editTimes, 50);
    const editP95 = percentile(editTimes, 95);
    const hoverP50 = percentile(hoverTimes, 50);
    const hoverP95 = percentile(hoverTimes, 95);
    lines.push(`Language server (${shape.apps * shape.modelsPerApp} models, ${shape.apps * shape.modelsPerApp} migrations, ${entry ? path.relative(REPO, entry) : "tsx"}):`);
    lines.push(`  initialize -> first drift diagnostics: ${firstMs.toFixed(0)} ms (target < ${TARGETS.firstDiagnosticsMs} ms) ${mark(firstMs < TARGETS.firstDiagnosticsMs)}`);
    lines.push(`  one-field didChange -> diagnostics: median ${editP50.toFixed(1)} ms, p95 ${editP95.toFixed(1)} ms over ${editTimes.length} edits (target p95 < ${TARGETS.editP95Ms} ms) ${mark(editP95 < TARGETS.editP95Ms)}`);
    lines.push(`  hover: median ${hoverP50.toFixed(1)} ms, p95 ${hoverP95.toFixed(1)} ms over ${hoverTimes.length} hovers on different targets (target < ${TARGETS.hoverMs} ms) ${mark(hoverP95 < TARGETS.hoverMs)}${withSql === hoverTimes.length ? "" : ` (only ${withSql} hovers had SQL!)`}`);
    lines.push(`  server resident memory: ${rss.toFixed(0)} MB (target < ${TARGETS.rssMb} MB) ${mark(rss < TARGETS.rssMb)}`);
  } finally {
    await client?.stop();
    removeDir(dir);
  }
  return lines;
}

/** The bench section for `bench/run.ts`. */
export const lspSection: BenchSection = {
  title: "Language server",
  run: () => lspBench(),
};

if (require.main === module) {
  lspBench().then((lines) => console.log(lines.join("\n")), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
