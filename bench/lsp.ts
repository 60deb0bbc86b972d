/**
 * Language-server bench: on generated workspaces (one app of 1,000 models,
 * one app of 3,000, 20 apps of 50; one CreateModel migration per model, one
 * field per app not yet in any migration, every models file reading a
 * constant and an enum from a shared `common/constants.ts`), measures
 * - the time from `initialize` to the first drift diagnostics,
 * - 200 edits adding a field to a random class: half as one change, half as
 *   a typing burst (four changes within the debounce); for each, the
 *   server's CPU time (`tsmigrate/serverStats`) and the wall time from the
 *   last keystroke to the updated diagnostics, p50 and p95,
 * - hover latency (model class and migration operation),
 * - the server's resident memory every 50 edits,
 * with the machine's load before and after, each figure next to its goal.
 *
 * Runs the built `dist/server.js` when present (as `npm run bench` builds
 * it; `TSMIGRATE_LSP_ENTRY` names another build), else the source through
 * tsx. `npx tsx bench/lsp.ts [--quick]` runs this section alone.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import type { ServerStatsResult } from "../server/src/protocol";
import { type LspClient, positionOf, prng, REPO, removeDir, startServer } from "../test/lsp/harness";
import type { BenchSection } from "./section";

/** Shape of the generated workspace. */
export interface BenchShape {
  apps: number;
  modelsPerApp: number;
}

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
  return ok ? "ok" : "OVER GOAL";
}

/** One layout of the bench and its goals. */
export interface LspLayout {
  readonly shape: BenchShape;
  /** Edits (half single edits, half typing bursts). */
  readonly edits: number;
  /** Goal for the 95th percentile of the server's CPU time per edit, ms. */
  readonly editP95Ms: number;
  /** Goal for the server's resident memory, MB. */
  readonly rssMb: number;
}

/** What one edit cost: wall time from its last keystroke to the diagnostics, and the server's CPU time. */
interface EditCost {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const LINE_RE = (i: number): string => `export class ${modelName(i)} extends models.Model {\n`;

/**
 * `edits` edits to `file`, each adding or removing one field line in a
 * random class (seeded): odd ones as one change, even ones as a typing
 * burst (four changes sent back to back, within the debounce). Returns each
 * edit's cost and the RSS every 50 edits.
 */
async function measureEdits(c: LspClient, file: string, text: string, layout: LspLayout): Promise<{ single: EditCost[]; burst: EditCost[]; rss: number[] }> {
  const uri = c.uri(file);
  const rand = prng(12);
  const single: EditCost[] = [];
  const burst: EditCost[] = [];
  const rss: number[] = [rssMb(c.proc.pid)];
  const cpu = async (): Promise<number> => (await c.request<ServerStatsResult>("tsmigrate/serverStats", {})).cpuMicros / 1000;
  for (let k = 0; k < layout.edits; k++) {
    const i = Math.floor(rand() * layout.shape.modelsPerApp);
    const header = text.indexOf(LINE_RE(i)) + LINE_RE(i).length;
    const at = positionOf(text, LINE_RE(i), LINE_RE(i).length);
    const line = `  bench${k} = models.IntegerField({ null: true });\n`;
    const typing = k % 2 === 0;
    const chunks = typing ? [line.slice(0, 12), line.slice(12, 30), line.slice(30, 44), line.slice(44)] : [line];
    const from = c.publishLog.length;
    const cpu0 = await cpu();
    let typed = "";
    let start = 0;
    for (const chunk of chunks) {
      start = performance.now();
      await c.edit(file, { start: { line: at.line, character: typed.length }, end: { line: at.line, character: typed.length } }, chunk);
      typed += chunk;
    }
    text = text.slice(0, header) + line + text.slice(header);
    const mine = (d: { message: string }): boolean => d.message.includes(`field bench${k} `);
    await c.waitFor(() => c.publishLog.slice(from).find((p) => p.uri === uri && p.diagnostics.length === 2 && p.diagnostics.some(mine)),
      `diagnostics after edit ${k}`, 60000);
    (typing ? burst : single).push({ wallMs: performance.now() - start, cpuMs: (await cpu()) - cpu0 });
    // Back to the original text (not measured): the next edit starts from one drift diagnostic again.
    const back = c.publishLog.length;
    await c.edit(file, { start: at, end: { line: at.line + 1, character: 0 } }, "");
    text = text.slice(0, header) + text.slice(header + line.length);
    await c.waitFor(() => c.publishLog.slice(back).find((p) => p.uri === uri && p.diagnostics.length === 1 && !p.diagnostics.some(mine)),
      `diagnostics after undoing edit ${k}`, 60000);
    if ((k + 1) % 50 === 0) rss.push(rssMb(c.proc.pid));
  }
  return { single, burst, rss };
}

/** `p50 / p95` of one measure of `costs`, ms. */
function spread(costs: readonly EditCost[], key: keyof EditCost): string {
  const sorted = costs.map((x) => x[key]).sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 95).toFixed(1)} ms`;
}

function p95(costs: readonly EditCost[], key: keyof EditCost): number {
  return percentile(costs.map((x) => x[key]).sort((a, b) => a - b), 95);
}

/** Runs the bench on one layout and returns the lines to print. */
export async function lspBench(layout: LspLayout): Promise<string[]> {
  const { shape } = layout;
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
    await c.waitFor(() => c.publishLog.find((p) => p.diagnostics.some((d) => String(d.code ?? "").startsWith("drift"))), "first drift diagnostics", 600000);
    const firstMs = performance.now() - t0;
    const original = readFileSync(path.join(dir, modelsFile), "utf8");
    await c.open(modelsFile, original);
    await c.waitForDiagnostics(modelsFile, (d) => d.length === 1, "baseline diagnostics", 120000);
    const { single, burst, rss } = await measureEdits(c, modelsFile, original, layout);
    const hovers = await measureHovers(c, dir, original, shape);
    const all = [...single, ...burst];
    const models = shape.apps * shape.modelsPerApp;
    const peak = Math.max(...rss);
    const cpuP95 = p95(all, "cpuMs");
    lines.push(`${shape.apps === 1 ? "one app" : `${shape.apps} apps`} of ${models / shape.apps} models (${models} models and migrations, constants and an enum from a shared file; ${entry ? path.relative(REPO, entry) : "tsx"}):`);
    lines.push(`  initialize -> first drift diagnostics: ${firstMs.toFixed(0)} ms wall`);
    lines.push(`  edit -> diagnostics, server CPU p50 / p95: ${spread(all, "cpuMs")} over ${all.length} edits (goal p95 <= ${layout.editP95Ms} ms) ${mark(cpuP95 <= layout.editP95Ms)}`);
    lines.push(`    single edits: CPU ${spread(single, "cpuMs")}, wall ${spread(single, "wallMs")}`);
    lines.push(`    typing bursts (4 keystrokes in the debounce): CPU ${spread(burst, "cpuMs")}, wall from the last keystroke ${spread(burst, "wallMs")} (includes the 40 ms quiet time)`);
    lines.push(`  hover: wall p50 / p95 ${spread(hovers, "wallMs")} over ${hovers.length} hovers on different targets`);
    lines.push(`  server RSS every 50 edits: ${rss.map((r) => r.toFixed(0)).join(", ")} MB (goal <= ${layout.rssMb} MB) ${mark(peak <= layout.rssMb)}`);
  } finally {
    await client?.stop();
    removeDir(dir);
  }
  return lines;
}

/** Hovers, each on a different target (a model class: CREATE TABLE; an operation of a migration: its SQL), alternately. */
async function measureHovers(c: LspClient, dir: string, original: string, shape: BenchShape): Promise<EditCost[]> {
  const out: EditCost[] = [];
  const lastApp = appLabel(shape.apps - 1);
  for (let k = 0; k < 20; k++) {
    const i = (k * 7) % shape.modelsPerApp;
    let target: { file: string; line: number; character: number };
    if (k % 2 === 0) {
      target = { file: `${lastApp}/models.ts`, ...positionOf(original, `class ${modelName(i)} `, 7) };
    } else {
      const file = `${lastApp}/migrations/${migrationName(i)}.ts`;
      target = { file, ...positionOf(readFileSync(path.join(dir, file), "utf8"), "migrations.CreateModel", 12) };
    }
    const start = performance.now();
    const text = await c.hover(target.file, target.line, target.character);
    if (!text?.includes("```sql")) throw new Error(`hover on ${target.file}:${target.line} has no SQL`);
    out.push({ wallMs: performance.now() - start, cpuMs: NaN });
  }
  return out;
}

/** The layouts `npm run bench` measures (quick: smaller, fewer edits). */
export function lspLayouts(quick: boolean): LspLayout[] {
  const edits = quick ? 20 : 200;
  return [
    { shape: { apps: 1, modelsPerApp: quick ? 100 : 1000 }, edits, editP95Ms: 30, rssMb: 400 },
    { shape: { apps: 1, modelsPerApp: quick ? 300 : 3000 }, edits, editP95Ms: 50, rssMb: 400 },
    { shape: { apps: quick ? 4 : 20, modelsPerApp: quick ? 25 : 50 }, edits, editP95Ms: 30, rssMb: 400 },
  ];
}

/** The bench section for `bench/run.ts`: every layout, with the machine's load before and after. */
export function lspSection(quick = false): BenchSection {
  return {
    title: quick ? "Language server (quick)" : "Language server",
    run: async () => {
      const load = (): string => loadavg().map((l) => l.toFixed(2)).join(" ");
      const lines = [`machine: ${cpus().length} CPUs, load average ${load()} (1, 5, 15 min) before`];
      for (const layout of lspLayouts(quick)) lines.push(...await lspBench(layout));
      lines.push(`load average ${load()} after; goals are for CPU time on a quiet machine`);
      return lines;
    },
  };
}

if (require.main === module) {
  lspSection(process.argv.includes("--quick")).run().then((lines) => console.log(lines.join("\n")), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
