/**
 * Django's `inspectdb` output and tsmigrate's, read back as models (class
 * name → field name → the facts both write: class, `max_length`, `null`,
 * `blank`, `unique`, `primary_key`, `db_column`, digits, relation target),
 * with the deliberate differences normalised, so the two can be compared
 * (test/django/inspectdb.test.ts on SQLite,
 * test/postgres/inspectdb-django.test.ts on PostgreSQL).
 */
import assert from "node:assert/strict";

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
export function dropPartialUnique(django: Models, ours: string): void {
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
export function parseDjango(text: string): Models {
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
export function parseOurs(text: string): Models {
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

export const plain = (m: Models) => Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(v)]));

/**
 * On PostgreSQL: Django 3.2 writes `id = models.BigAutoField(primary_key=True)`
 * for a bigserial `id` (its `can_introspect_autofield` path); tsmigrate
 * leaves out an `id` of the project's `defaultAutoField`, as Django leaves
 * out `id = AutoField`. And an integer column with PostgreSQL's
 * `"col" >= 0` CHECK reads as the positive field (Django ignores CHECKs:
 * IntegerField), which makes the same column and CHECK again.
 */
function normalisePostgres(django: Models, ours: Models): void {
  for (const [model, fields] of django) {
    const id = fields.get("id");
    if (id?.class === "BigAutoField" && id.primary_key === "true" && !ours.get(model)?.has("id")) fields.delete("id");
  }
  for (const fields of ours.values()) {
    for (const facts of fields.values()) facts.class = facts.class!.replace(/^Positive(Big|Small)?IntegerField$/, "$1IntegerField");
  }
}

/** Asserts that tsmigrate's inspectdb output `ours` says what Django's `djangoText` says, field by field. */
export function compareWithDjango(ours: string, djangoText: string, vendor: "sqlite" | "postgresql"): void {
  const djangoModels = parseDjango(djangoText);
  const ourModels = parseOurs(ours);
  dropPartialUnique(djangoModels, ours);
  if (vendor === "postgresql") normalisePostgres(djangoModels, ourModels);
  assert.ok(djangoModels.size > 0 && [...djangoModels.values()].every((m) => m.size > 0), `no fields read from Django's inspectdb:\n${djangoText}`);
  assert.deepEqual(plain(ourModels), plain(djangoModels), `ours:\n${ours}\nDjango's:\n${djangoText}`);
}
