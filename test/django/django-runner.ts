/**
 * Runs test/django/run_django.py (Django 3.2's makemigrations/migrate over a
 * list of steps) from TypeScript.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { MakeMigrationsAnswers } from "../../server/src/engine/answers";

/** The interpreter that has Debian's python3-django. */
export const PYTHON = "/usr/bin/python3";
const SCRIPT = path.join(__dirname, "run_django.py");

/** What to run: see run_django.py's docstring. */
export interface DjangoSpec {
  readonly workDir: string;
  /** Wipe workDir first (default true). */
  readonly fresh?: boolean;
  /** App labels, INSTALLED_APPS order. */
  readonly apps: readonly string[];
  /** DEFAULT_AUTO_FIELD's class name (default "BigAutoField"). */
  readonly defaultAutoField?: string;
  /** App label -> its AppConfig's `default_auto_field` class name. */
  readonly appAutoFields?: Readonly<Record<string, string>>;
  /** Steps: index (1-based), app label -> models.py source, and the rename answers of its makemigrations (tsmigrate's `--answers` JSON). */
  readonly steps: readonly {
    readonly index: number; readonly models: Readonly<Record<string, string>>; readonly answers?: MakeMigrationsAnswers;
  }[];
  /** `migrate <app> <target>` commands run after the steps, in order. */
  readonly rollback?: readonly (readonly [string, string])[];
  /** Commands run last in one process (`["inspectdb"]`); their outputs are the result's `after`. */
  readonly after?: readonly (readonly string[])[];
}

/** One step's result: the database copy taken after it and Django's output. */
export interface DjangoStep {
  readonly index: number;
  /** Path of the copy of the database after the step. */
  readonly db: string;
  readonly output: string;
}

/** One rollback command's result. */
export interface DjangoRollback {
  readonly app: string;
  readonly target: string;
  readonly db: string;
  readonly output: string;
}

/** run_django.py's JSON answer. */
export interface DjangoResult {
  readonly steps: readonly DjangoStep[];
  readonly rollback: readonly DjangoRollback[];
  /** The outputs of the spec's `after` commands, in order. */
  readonly after?: readonly string[];
}

/** The message when Django 3.2 cannot be imported. */
export const DJANGO_MISSING = "Django 3.2 not installed: apt-get install python3-django";

/**
 * Runs the spec (writing it to `<workDir>.spec.json`).
 * @throws Error with DJANGO_MISSING when Django 3.2 is not installed (exit 4),
 *   or with Django's output when a command fails (exit 3: a question `--noinput` could not answer).
 */
export function runDjango(spec: DjangoSpec): Promise<DjangoResult> {
  const specFile = `${spec.workDir}.spec.json`;
  fs.mkdirSync(path.dirname(specFile), { recursive: true });
  fs.writeFileSync(specFile, JSON.stringify(spec, null, 1));
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, specFile], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => reject(new Error(`${DJANGO_MISSING} (${PYTHON}: ${e.message})`)));
    child.on("close", (code) => {
      if (code === 4) reject(new Error(err.trim() || DJANGO_MISSING));
      else if (code !== 0) reject(new Error(`Django failed (exit ${code}) in ${spec.workDir}:\n${err}`));
      else {
        try {
          resolve(JSON.parse(out) as DjangoResult);
        } catch {
          reject(new Error(`run_django.py printed no JSON:\n${out}\n${err}`));
        }
      }
    });
  });
}
