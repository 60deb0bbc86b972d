/**
 * Runs a RunCode operation's function (Django's `RunPython`): the function's
 * TypeScript source, kept as text in the migration, is transpiled to
 * JavaScript with the TypeScript compiler and called with a
 * {@link RunCodeContext} inside the migration's transaction. This is the only
 * place tsmigrate runs code from a project; the language server refuses to
 * migrate in an untrusted workspace, so it never gets here there.
 */
import { runInThisContext } from "node:vm";
import { ts } from "ts-morph";
import type { Connection } from "./backends/base/base";
import { TsMigrateError } from "./errors";

/** What a RunCode function receives (declared for users in types/index.d.ts). */
export interface RunCodeContext {
  /** The database alias being migrated. */
  readonly alias: string;
  /** "sqlite" or "postgresql". */
  readonly vendor: string;
  /** Runs one SQL statement with positional parameters. */
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Runs a query and returns its rows as objects. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Compiled functions by source, so a migration run twice is transpiled once. */
const compiled = new Map<string, (ctx: RunCodeContext) => unknown>();

/**
 * Transpiles a function's source (`(ctx) => ...`, `async function (ctx) {...}`)
 * into a callable. Throws TsMigrateError (`bad-migration`) when the source is
 * not a function expression.
 */
function compileCode(source: string): (ctx: RunCodeContext) => unknown {
  let fn = compiled.get(source);
  if (fn) return fn;
  const js = ts.transpileModule(`(${source})`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;
  const value: unknown = runInThisContext(js, { filename: "RunCode" });
  if (typeof value !== "function") {
    throw new TsMigrateError("RunCode: code must be a function taking the migration context", { code: "bad-migration" });
  }
  fn = value as (ctx: RunCodeContext) => unknown;
  compiled.set(source, fn);
  return fn;
}

/** Runs `source` against `connection` and waits for it (sync or async functions alike). */
export async function runCode(source: string, connection: Connection): Promise<void> {
  const ctx: RunCodeContext = {
    alias: connection.alias,
    vendor: connection.vendor,
    execute: (sql, params) => connection.execute(sql, params),
    query: <Row>(sql: string, params?: readonly unknown[]) => connection.query(sql, params) as Promise<Row[]>,
  };
  await compileCode(source)(ctx);
}
