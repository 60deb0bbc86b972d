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
import { projectFunctionRef, relativeModule } from "./callables";
import { ErrorCollector, MultipleErrors, type SourceLocation, TsMigrateError } from "./errors";
import { Migration, type MigrationKey } from "./migration";
import type { Operation } from "./operations/base";
import { operationFromCall } from "./operations/index";
import { locationOf, memberLocation, nodeLocation, parseSource, readValue, setLocation, syntaxErrors, valueLocation } from "./source/read";
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
 * Names imported by a migration from a project file (`import { newToken }
 * from "../../lib/tokens"`: a callable default) as the
 * `projectFunctionRef` they stand for, the module relative to the app's
 * folder (the migrations folder's parent); other names unchanged.
 */
function importedFunctions(sf: ts.SourceFile, file: string): (name: string) => string {
  const migrationsDir = path.dirname(path.resolve(file));
  const names = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.startsWith(".")) continue;
    const named = st.importClause?.namedBindings;
    if (!named || !ts.isNamedImports(named)) continue;
    const module = relativeModule(path.dirname(migrationsDir), path.resolve(migrationsDir, st.moduleSpecifier.text));
    for (const el of named.elements) names.set(el.name.text, projectFunctionRef(module, (el.propertyName ?? el.name).text).name);
  }
  return (name) => names.get(name) ?? name;
}

/**
 * Parses the migration `app.<file name>` from `text`.
 * @throws TsMigrateError code `bad-migration` at the offending spot (syntax
 *   error, no default export, wrong shape, unknown key or operation);
 *   MultipleErrors when several operations are bad.
 */
export function readMigrationFile(app: string, file: string, text: string): Migration {
  return migrationFromBody(app, file, migrationBody(file, text));
}

/**
 * The migration `app.<file name>` from `body`, the object given to
 * `migrations.Migration({...})` as {@link migrationBody} reads it (or as the
 * parse cache stores it): every key and operation checked.
 * @throws as {@link readMigrationFile}, syntax errors aside.
 */
export function migrationFromBody(app: string, file: string, body: ObjectValue): Migration {
  const name = path.basename(file).replace(/\.ts$/, "");
  const errors = new ErrorCollector();
  for (const key of Object.keys(body)) {
    if (!(MIGRATION_KEYS as readonly string[]).includes(key)) {
      errors.push(bad(`unknown key "${key}" in migrations.Migration({...}); expected one of ${MIGRATION_KEYS.join(", ")}`,
        memberLocation(body, key) ?? locationOf(body)));
    }
  }
  const dependencies = readKeys(body, "dependencies", errors);
  const runBefore = readKeys(body, "runBefore", errors);
  const replaces = readKeys(body, "replaces", errors);
  const initial = readFlag(body, "initial", false, errors);
  const atomic = readFlag(body, "atomic", true, errors);
  const operations = readOperations(body, errors);
  errors.throwIfAny();
  return new Migration(app, name, { dependencies, operations, initial, runBefore, replaces, atomic, file });
}

/**
 * Parses `text` (the TypeScript parser, never run) and returns the object
 * given to `export default migrations.Migration({...})`, with locations.
 * @throws TsMigrateError `bad-migration` for a syntax error or any other shape.
 */
export function migrationBody(file: string, text: string): ObjectValue {
  const sf = parseSource(file, text);
  const syntax = syntaxErrors(sf);
  if (syntax.length) throw bad(syntax[0]!.message, syntax[0]!.location, syntax[0]);
  const exported = sf.statements.find((s): s is ts.ExportAssignment => ts.isExportAssignment(s) && !s.isExportEquals);
  if (!exported) throw bad(`${SHAPE}: the file has no default export`, { file, line: 1, column: 1 });
  let value: Value;
  try {
    value = readValue(exported.expression, sf, { custom: readFunction(sf), rename: importedFunctions(sf, file) });
  } catch (err) {
    if (!(err instanceof TsMigrateError)) throw err;
    throw bad(err.message, err.location, err);
  }
  const exprLoc = nodeLocation(exported.expression, sf);
  if (!(value instanceof CallValue) || value.callee !== "migrations.Migration") {
    const found = value instanceof CallValue ? `${value.callee}(...)` : "something else";
    throw bad(`${SHAPE}; found ${found}`, exprLoc);
  }
  if (value.args.length > 1 || (value.args.length === 1 && !isObjectValue(value.args[0]))) {
    throw bad(`${SHAPE}: migrations.Migration takes one object`, memberLocation(value.args, 0) ?? exprLoc);
  }
  const body = (value.args[0] as ObjectValue | undefined) ?? {};
  if (!locationOf(body)) setLocation(body, exprLoc);
  return body;
}

/** `dependencies`, `runBefore` or `replaces`: `["app", "migration"]` pairs (the arrays read are kept, so their locations are known). */
function readKeys(body: ObjectValue, key: "dependencies" | "runBefore" | "replaces", errors: ErrorCollector): MigrationKey[] {
  const v = body[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    errors.push(bad(`${key}: expected an array of ["app", "migration"] pairs`, valueLocation(body, key)));
    return [];
  }
  const out: MigrationKey[] = [];
  (v as readonly Value[]).forEach((item, i) => {
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === "string" && typeof item[1] === "string") {
      out.push(item as unknown as MigrationKey);
    } else {
      errors.push(bad(`${key}[${i}]: expected an ["app", "migration"] pair of strings`, valueLocation(v, i)));
    }
  });
  return out;
}

function readFlag(body: ObjectValue, key: "initial" | "atomic", dflt: boolean, errors: ErrorCollector): boolean {
  const v = body[key];
  if (v === undefined) return dflt;
  if (typeof v === "boolean") return v;
  errors.push(bad(`${key}: expected true or false`, valueLocation(body, key)));
  return dflt;
}

/** `operations`: each a `migrations.*` call read by `operationFromCall`. */
function readOperations(body: ObjectValue, errors: ErrorCollector): Operation[] {
  const operations: Operation[] = [];
  const ops = body.operations;
  if (ops === undefined) return operations;
  if (!Array.isArray(ops)) {
    errors.push(bad("operations: expected an array of migrations.* operations", valueLocation(body, "operations")));
    return operations;
  }
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
      // Only the user's mistakes become bad-migration problems; a bug of ours escapes as itself.
      if (!(err instanceof TsMigrateError)) throw err;
      for (const e of err instanceof MultipleErrors ? err.errors : [err]) errors.push(bad(e.message, e.location ?? loc, e));
    }
  });
  return operations;
}
