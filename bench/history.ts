/**
 * A generated long history for the history benchmark: app `hist` with
 * `models` models and `migrations` migration files, each depending on the
 * one before. The first `models` migrations create one model each
 * (`Model<i>`: id and a `name` CharField); every later one adds an integer
 * field `f<n>` to the next model in turn. `models.ts` declares the end
 * state, so `makemigrations --check` finds no change.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeDjangoScaffold } from "./generate";

/** The app label of the generated history. */
export const HISTORY_APP = "hist";

/** What migration `i` (1-based) does: the model it touches and the field it adds (none for a CreateModel). */
function step(i: number, models: number): { model: number; field?: string } {
  return i <= models ? { model: i - 1 } : { model: (i - 1) % models, field: `f${i}` };
}

/** The file name of migration `i` (1-based), e.g. `0001_m1`. */
export function migrationName(i: number): string {
  return `${String(i).padStart(4, "0")}_m${i}`;
}

/** The text of migration `i` in the writer's format. */
function migrationText(i: number, models: number): string {
  const { model, field } = step(i, models);
  const deps = i === 1 ? "[]" : `[["${HISTORY_APP}", "${migrationName(i - 1)}"]]`;
  const op = field === undefined
    ? [
      "    migrations.CreateModel({",
      `      name: "Model${model}",`,
      "      fields: [",
      '        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],',
      '        ["name", models.CharField({ maxLength: 100 })],',
      "      ],",
      "    }),",
    ]
    : [`    migrations.AddField({ modelName: "model${model}", name: "${field}", field: models.IntegerField({ default: 0 }) }),`];
  return [
    'import { migrations, models } from "tsmigrate";',
    "",
    "export default migrations.Migration({",
    ...(i === 1 ? ["  initial: true,"] : []),
    `  dependencies: ${deps},`,
    "  operations: [",
    ...op,
    "  ],",
    "});",
    "",
  ].join("\n");
}

/** After migrations 1..`upTo`: each model's added fields, by model number in order. */
function fieldsUpTo(upTo: number, models: number): [number, string[]][] {
  const fields = new Map<number, string[]>();
  for (let i = 1; i <= upTo; i++) {
    const s = step(i, models);
    if (!fields.has(s.model)) fields.set(s.model, []);
    if (s.field) fields.get(s.model)!.push(s.field);
  }
  return [...fields].sort((a, b) => a[0] - b[0]);
}

/** The models.ts text after migrations 1..`upTo`. */
function modelsText(upTo: number, models: number): string {
  const lines = ['import { models } from "tsmigrate";', ""];
  for (const [m, list] of fieldsUpTo(upTo, models)) {
    lines.push(`export class Model${m} extends models.Model {`, "  name = models.CharField({ maxLength: 100 });");
    for (const f of list) lines.push(`  ${f} = models.IntegerField({ default: 0 });`);
    lines.push("}", "");
  }
  return lines.join("\n");
}

/**
 * Writes (or extends) the history in `dir`: migrations 1..`count` and the
 * models.ts matching them. Existing files are overwritten with the same text.
 */
export function writeHistory(dir: string, count: number, models = 100): void {
  const app = path.join(dir, HISTORY_APP);
  fs.mkdirSync(path.join(app, "migrations"), { recursive: true });
  for (let i = 1; i <= count; i++) {
    const file = path.join(app, "migrations", `${migrationName(i)}.ts`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, migrationText(i, models));
  }
  fs.writeFileSync(path.join(app, "models.ts"), modelsText(count, models));
}

/** Django's text of migration `i` (the same operations). */
function djangoMigrationText(i: number, models: number): string {
  const { model, field } = step(i, models);
  const op = field === undefined
    ? `migrations.CreateModel(name='Model${model}', fields=[('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')), ('name', models.CharField(max_length=100))])`
    : `migrations.AddField(model_name='model${model}', name='${field}', field=models.IntegerField(default=0))`;
  return [
    "from django.db import migrations, models",
    "",
    "",
    "class Migration(migrations.Migration):",
    ...(i === 1 ? ["    initial = True"] : []),
    `    dependencies = [${i === 1 ? "" : `('${HISTORY_APP}', '${migrationName(i - 1)}')`}]`,
    `    operations = [${op}]`,
    "",
  ].join("\n");
}

/** Writes (or extends) the same history as a Django 3.2 project in `dir` (manage.py, settings, app with models.py and migrations). */
export function writeDjangoHistory(dir: string, count: number, models = 100): void {
  const app = path.join(dir, HISTORY_APP);
  fs.mkdirSync(path.join(app, "migrations"), { recursive: true });
  fs.writeFileSync(path.join(app, "__init__.py"), "");
  fs.writeFileSync(path.join(app, "migrations", "__init__.py"), "");
  for (let i = 1; i <= count; i++) {
    const file = path.join(app, "migrations", `${migrationName(i)}.py`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, djangoMigrationText(i, models));
  }
  const lines = ["from django.db import models", ""];
  for (const [m, list] of fieldsUpTo(count, models)) {
    lines.push("", `class Model${m}(models.Model):`, "    name = models.CharField(max_length=100)");
    for (const f of list) lines.push(`    ${f} = models.IntegerField(default=0)`);
  }
  fs.writeFileSync(path.join(app, "models.py"), lines.join("\n") + "\n");
  writeDjangoScaffold(dir, HISTORY_APP);
}
