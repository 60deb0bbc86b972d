/**
 * `npm test`'s wrapper: starts one private PostgreSQL server
 * (test/postgres/server.ts), runs the command given as arguments with
 * `TSM_PG_URL` set to it, stops the server, and exits with the command's
 * code. When PostgreSQL cannot be had it says so and exits 1: the PostgreSQL
 * tests fail rather than skip.
 *
 *   node --import tsx test/postgres/with-server.ts node --import tsx --test ...
 */
import { spawn } from "node:child_process";
import { startPostgres } from "./server";

async function main(): Promise<number> {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) throw new Error("usage: with-server.ts COMMAND [ARGS...]");
  const server = await startPostgres();
  console.log(`PostgreSQL for the tests: 127.0.0.1:${server.port} (private data folder, stopped at the end)`);
  const stop = () => server.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, TSM_PG_URL: server.url } });
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    stop();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
