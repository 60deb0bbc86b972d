/**
 * inspectdb and the adoption path on databases made by Django 3.2: for the
 * last step of every history of test-fixtures/histories, Django makes the
 * database (makemigrations + migrate of the same models in models.py) and
 * runs its own `inspectdb` on it. Then:
 *
 * - tsmigrate's `inspectdb` on that database names the same classes, the
 *   same fields with the same field classes, and the same `max_length`,
 *   `null`, `blank`, `unique`, `primary_key`, `db_column`, `max_digits`,
 *   `decimal_places` and relation targets as Django's. Deliberate
 *   differences, normalised here and documented in the README: `char(32)`
 *   reads as a UUIDField and `char(39)` as a GenericIPAddressField (Django:
 *   CharField), since those are the fields that make those types.
 * - the adoption path (`inspectdb --app legacy`, `makemigrations`,
 *   `migrate --fake-initial`) on a copy ends with `diffschema` clean,
 *   `makemigrations --check` clean, and the generated models migrated into
 *   an empty database give Django's schema.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { diffSnapshots } from "../../server/src/engine/backends/base/snapshot";
import { cleanTemps, ok, run, schemaOf, tempDir } from "../inspectdb/helpers";
import { runDjango } from "./django-runner";
import { listHistories, loadHistory } from "./history";

after(cleanTemps);

/** One field as both tools write it, reduced to what both say. */
type FieldFacts = Record<string, string>;
/** Class name → field name → facts. */
type Models = Map<string, Map<string, FieldFacts>>;

const COMPARED = new Set(["max_length", "null", "blank", "unique", "primary_key", "db_column", "max_digits", "decimal_places", "to"]);

/** Splits at top-level commas (outside (), [], {} and quotes). */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = "";
  for (const ch of text) {
    if (quote) { if (ch === quote) quote = undefined; }
    else if (ch === "'" || ch === '"') quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === "," && depth === 0) { out.push(cur.trim()); cur = ""; continue; }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const unquote = (v: string) => v.replace(/^['"](.*)['"]$/, "$1");
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Django 3.2 reads a partial unique index on one column as `unique=True`
 * (its SQLite introspection drops the WHERE); tsmigrate writes a
 * UniqueConstraint with the condition, which makes the same index again.
 * The fields of such constraints in our output lose Django's `unique`.
 */
function dropPartialUnique(django: Models, ours: string): void {
  let model: string | undefined;
  for (const line of ours.split("\n")) {
    const cls = /^export class (\w+) /.exec(line);
    if (cls) model = cls[1];
    const u = /models\.UniqueConstraint\(\{ fields: \["(\w+)"\], condition: /.exec(line);
    const facts = u && model ? django.get(model)?.get(u[1]!) : undefined;
    if (facts) delete facts.unique;
  }
}

/** Normalises the deliberate differences: fixed-width char types. */
function normalise(cls: string, facts: FieldFacts): [string, FieldFacts] {
  if (cls === "UUIDField") return ["CharField", { ...facts, max_length: "32" }];
  if (cls === "GenericIPAddressField") return ["CharField", { ...facts, max_length: "39" }];
  return [cls, facts];
}

function addField(models: Models, model: string | undefined, name: string, cls: string, facts: FieldFacts): void {
  if (model === undefined) return;
  const kept = Object.fromEntries(Object.entries(facts).filter(([k]) => COMPARED.has(k)));
  const [c, f] = normalise(cls, kept);
  models.get(model)!.set(name, { class: c, ...f });
}

/** Django's inspectdb output → models (django_ tables left out). */
function parseDjango(text: string): Models {
  const models: Models = new Map();
  let model: string | undefined;
  for (const line of text.split("\n")) {
    const cls = /^class (\w+)\(models\.Model\):/.exec(line);
    if (cls) { model = cls[1]!.startsWith("Django") ? undefined : cls[1]!; if (model) models.set(model, new Map()); continue; }
    const f = /^ {4}(\w+) = models\.(\w+)\((.*)\)(?: {2}#.*)?$/.exec(line);
    if (!f) continue;
    const facts: FieldFacts = {};
    splitArgs(f[3]!).forEach((arg, i) => {
      const kw = /^(\w+)=(.*)$/.exec(arg);
      if (kw) facts[kw[1]!] = unquote(kw[2]!).toLowerCase();
      else if (i === 0 && /Field|ForeignKey/.test(f[2]!) && /ForeignKey|OneToOne/.test(f[2]!)) facts.to = unquote(arg);
    });
    addField(models, model, f[1]!, f[2]!, facts);
  }
  return models;
}

/** tsmigrate's inspectdb output → models. */
function parseOurs(text: string): Models {
  const models: Models = new Map();
  let model: string | undefined;
  for (const line of text.split("\n")) {
    const cls = /^export class (\w+) extends models\.Model/.exec(line);
    if (cls) { model = cls[1]!; models.set(model, new Map()); continue; }
    const f = /^ {2}(\w+) = models\.(\w+)\((.*)\);(?: \/\/.*)?$/.exec(line);
    if (!f) continue;
    const args = splitArgs(f[3]!);
    const facts: FieldFacts = {};
    const options = args.find((a) => a.startsWith("{"));
    if (args[0] && !args[0].startsWith("{")) facts.to = unquote(args[0]);
    for (const kv of options ? splitArgs(options.slice(1, -1)) : []) {
      const m = /^(\w+): (.*)$/.exec(kv);
      if (m) facts[snake(m[1]!)] = unquote(m[2]!).toLowerCase();
    }
    addField(models, model, f[1]!, f[2]!, facts);
  }
  return models;
}

const plain = (m: Models) => Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(v)]));

for (const name of listHistories()) {
  test(`inspectdb and adoption of Django's database for history ${name}`, async () => {
    const history = loadHistory(name);
    const last = history.steps[history.steps.length - 1]!;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-dj-inspect-"));
    try {
      const r = await runDjango({ workDir: path.join(work, "django"), apps: history.apps, steps: [{ index: 1, models: last.python }], after: [["inspectdb"]] });
      const djangoDb = r.steps[0]!.db;
      const project = tempDir("tsm-adopt-dj-");
      fs.copyFileSync(djangoDb, path.join(project, "db.sqlite3"));
      const printed = await ok(project, ["inspectdb"]);
      const djangoModels = parseDjango(r.after![0]!);
      dropPartialUnique(djangoModels, printed.stdout);
      assert.ok(djangoModels.size > 0 && [...djangoModels.values()].every((m) => m.size > 0), `no fields read from Django's inspectdb:\n${r.after![0]}`);
      assert.deepEqual(plain(parseOurs(printed.stdout)), plain(djangoModels), `ours:\n${printed.stdout}\nDjango's:\n${r.after![0]}`);

      await ok(project, ["inspectdb", "--app", "legacy"]);
      await ok(project, ["makemigrations", "--noinput"]);
      await ok(project, ["migrate", "--fake-initial", "--noinput"]);
      const drift = await run(project, "diffschema");
      assert.equal(drift.code, 0, drift.stdout + drift.stderr);
      assert.equal((await run(project, "makemigrations", "--check")).code, 0);
      const fresh = tempDir("tsm-fresh-dj-");
      fs.cpSync(project, fresh, { recursive: true });
      fs.rmSync(path.join(fresh, "db.sqlite3"));
      await ok(fresh, ["migrate", "--noinput"]);
      assert.deepEqual(diffSnapshots(schemaOf(djangoDb), schemaOf(path.join(fresh, "db.sqlite3")), { labels: ["django", "adopted"] }), []);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
}
