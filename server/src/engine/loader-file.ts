/**
 * Reads one migration file statically (never runs it): the file must be
 *
 * ```ts
 * export default migrations.Migration({ dependencies: [...], operations: [...] });
 * ```
 *
 * and becomes a {@link Migration} whose operations come from
 * `operationFromCall`. The counterpart of Django's import of a migration
 * module (`django/db/migrations/loader.py`, `load_disk`).
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import { MultipleErrors, type SourceLocation, TsMigrateError } from "./errors";
import { Migration, type MigrationKey } from "./migration";
import type { Operation } from "./operations/base";
import { operationFromCall } from "./operations/index";
import { locationOf, memberLocation, nodeLocation, parseSource, readValue, syntaxErrors, valueLocation } from "./source/read";
import { CallValue, isObjectValue, type ObjectValue, RefValue, type Value } from "./values";

/** Keys `migrations.Migration({...})` accepts (Django's Migration class attributes, camelCase). */
export const MIGRATION_KEYS = ["dependencies", "operations", "initial", "runBefore", "replaces", "atomic"] as const;

const SHAPE = "expected `export default migrations.Migration({ dependencies: [...], operations: [...] })`";

function bad(message: string, location: SourceLocation | undefined, cause?: unknown): TsMigrateError {
  return new TsMigrateError(message, { code: "bad-migration", location, cause });
}

/**
 * Reads functions (RunCode's `code` / `reverseCode`) as a CallValue
 * `function("<source text>")`: kept as text, never run.
 */
function readFunction(sf: ts.SourceFile) {
  return (node: ts.Expression): Value | undefined => {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      return new CallValue("function", [node.getText(sf)]);
    }
    return undefined;
  };
}

/**
 * Parses the migration `app.<file name>` from `text`.
 * @throws TsMigrateError code `bad-migration` at the offending spot (syntax
 *   error, no default export, wrong shape, unknown key or operation);
 *   MultipleErrors when several operations are bad.
 */
export function readMigrationFile(app: string, file: string, text: string): Migration {
  const name = path.basename(file).replace(/\.ts$/, "");
  const sf = parseSource(file, text);
  const syntax = syntaxErrors(sf);
  if (syntax.length) throw bad(syntax[0]!.message, syntax[0]!.location);

  const exported = sf.statements.find((s): s is ts.ExportAssignment => ts.isExportAssignment(s) && !s.isExportEquals);
  if (!exported) throw bad(`${SHAPE}: the file has no default export`, { file, line: 1, column: 1 });

  let value: Value;
  try {
    value = readValue(exported.expression, sf, { custom: readFunction(sf) });
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err), err instanceof TsMigrateError ? err.location : undefined, err);
  }
  const exprLoc = nodeLocation(exported.expression, sf);
  if (!(value instanceof CallValue) || value.callee !== "migrations.Migration") {
    const found = value instanceof CallValue ? `${value.callee}(...)` : "something else";
    throw bad(`${SHAPE}; found ${found}`, exprLoc);
  }
  if (value.args.length > 1 || (value.args.length === 1 && !isObjectValue(value.args[0]))) {
    throw bad(`${SHAPE}: migrations.Migration takes one object`, memberLocation(value.args, 0) ?? exprLoc);
  }
  const body: ObjectValue = (value.args[0] as ObjectValue | undefined) ?? {};
  const errors: TsMigrateError[] = [];
  for (const key of Object.keys(body)) {
    if (!(MIGRATION_KEYS as readonly string[]).includes(key)) {
      errors.push(bad(`unknown key "${key}" in migrations.Migration({...}); expected one of ${MIGRATION_KEYS.join(", ")}`,
        memberLocation(body, key) ?? exprLoc));
    }
  }
  const keys = (key: "dependencies" | "runBefore" | "replaces"): MigrationKey[] => {
    const v = body[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      errors.push(bad(`${key}: expected an array of ["app", "migration"] pairs`, valueLocation(body, key)));
      return [];
    }
    const out: MigrationKey[] = [];
    (v as readonly Value[]).forEach((item, i) => {
      if (Array.isArray(item) && item.length === 2 && typeof item[0] === "string" && typeof item[1] === "string") {
        // Keep the array read from the file: locationOf(dependency) then points at it.
        out.push(item as unknown as MigrationKey);
      } else {
        errors.push(bad(`${key}[${i}]: expected an ["app", "migration"] pair of strings`, valueLocation(v, i)));
      }
    });
    return out;
  };
  const flag = (key: "initial" | "atomic", dflt: boolean): boolean => {
    const v = body[key];
    if (v === undefined) return dflt;
    if (typeof v !== "boolean") {
      errors.push(bad(`${key}: expected true or false`, valueLocation(body, key)));
      return dflt;
    }
    return v;
  };
  const dependencies = keys("dependencies");
  const runBefore = keys("runBefore");
  const replaces = keys("replaces");
  const initial = flag("initial", false);
  const atomic = flag("atomic", true);

  const operations: Operation[] = [];
  const ops = body.operations;
  if (ops !== undefined && !Array.isArray(ops)) {
    errors.push(bad("operations: expected an array of migrations.* operations", valueLocation(body, "operations")));
  } else if (ops) {
    (ops as readonly Value[]).forEach((call, i) => {
      const loc = locationOf(call) ?? valueLocation(ops, i);
      if (!(call instanceof CallValue)) {
        const what = call instanceof RefValue ? call.name : typeof call;
        errors.push(bad(`operations[${i}]: expected a migrations.* operation call such as migrations.AddField({...}), found ${what}`, loc));
        return;
      }
      try {
        const op = operationFromCall(call, loc);
        if (!op.location) op.location = loc;
        operations.push(op);
      } catch (err) {
        const list = err instanceof MultipleErrors ? [...err.errors] : [err];
        for (const e of list) {
          const message = e instanceof Error ? e.message : String(e);
          errors.push(bad(message, (e instanceof TsMigrateError ? e.location : undefined) ?? loc, e));
        }
      }
    });
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new MultipleErrors(errors);
  return new Migration(app, name, { dependencies, operations, initial, runBefore, replaces, atomic, file });
}
