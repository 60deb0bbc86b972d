/**
 * Generated projects for the benchmark: N models in one app `chain`, each
 * with a few fields and (from the second on) a ForeignKey to the previous
 * one: Model0 <- Model1 <- ... <- ModelN-1. The same models for tsmigrate
 * (models.ts) and for Django 3.2 (models.py + settings + manage.py).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The app label of the generated projects. */
export const BENCH_APP = "chain";

/**
 * Writes a tsmigrate project of `n` models into `dir` (no config file:
 * `chain/models.ts` makes the app; the database is `dir/db.sqlite3`).
 */
export function writeTsProject(dir: string, n: number): void {
  const lines = ['import { models } from "tsmigrate";', ""];
  for (let i = 0; i < n; i++) {
    lines.push(`export class Model${i} extends models.Model {`);
    lines.push("  name = models.CharField({ maxLength: 100 });");
    lines.push("  value = models.IntegerField({ default: 0 });");
    lines.push("  created = models.DateTimeField({ null: true });");
    if (i > 0) lines.push(`  prev = models.ForeignKey(Model${i - 1}, { onDelete: models.CASCADE });`);
    lines.push("}", "");
  }
  fs.mkdirSync(path.join(dir, BENCH_APP), { recursive: true });
  fs.writeFileSync(path.join(dir, BENCH_APP, "models.ts"), lines.join("\n"));
}

/**
 * Writes a Django 3.2 project of the same `n` models into `dir`: manage.py,
 * bench_settings.py (SQLite `dir/db.sqlite3`, BigAutoField ids) and the app
 * package with an empty migrations package.
 */
export function writeDjangoProject(dir: string, n: number): void {
  const app = path.join(dir, BENCH_APP);
  fs.mkdirSync(path.join(app, "migrations"), { recursive: true });
  fs.writeFileSync(path.join(app, "__init__.py"), "");
  fs.writeFileSync(path.join(app, "migrations", "__init__.py"), "");
  const lines = ["from django.db import models", ""];
  for (let i = 0; i < n; i++) {
    lines.push("", `class Model${i}(models.Model):`);
    lines.push("    name = models.CharField(max_length=100)");
    lines.push("    value = models.IntegerField(default=0)");
    lines.push("    created = models.DateTimeField(null=True)");
    if (i > 0) lines.push(`    prev = models.ForeignKey(Model${i - 1}, on_delete=models.CASCADE)`);
  }
  fs.writeFileSync(path.join(app, "models.py"), lines.join("\n") + "\n");
  writeDjangoScaffold(dir, BENCH_APP);
}

/**
 * Writes a Django 3.2 project's scaffolding for app `app` into `dir`:
 * manage.py and bench_settings.py (SQLite `dir/db.sqlite3`, BigAutoField ids).
 */
export function writeDjangoScaffold(dir: string, app: string): void {
  fs.writeFileSync(
    path.join(dir, "bench_settings.py"),
    [
      'SECRET_KEY = "bench"',
      "USE_TZ = True",
      `INSTALLED_APPS = [${JSON.stringify(app)}]`,
      `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ${JSON.stringify(path.join(dir, "db.sqlite3"))}}}`,
      'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"',
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(dir, "manage.py"),
    [
      "import os, sys",
      'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")',
      "from django.core.management import execute_from_command_line",
      "execute_from_command_line(sys.argv)",
      "",
    ].join("\n"),
  );
}
