/**
 * A spawned server on a fresh copy of test-fixtures/tracker whose first
 * migration has been made (through `tsmigrate/makeMigrations`) and written
 * to disk, with the drift gone: the starting point of the status and lens tests.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { InitializationOptions, MakeMigrationsResult } from "../../server/src/protocol";
import { copyFixture, type LspClient, startServer } from "./harness";

/** The tracker app's models file, relative to the project. */
export const TRACKER_MODELS = "src/tracker/models.ts";

/** Starts the server with `options`; resolves with the project folder, the client and the migration's path (relative). */
export async function trackerWithMigration(options: Partial<InitializationOptions>): Promise<{ dir: string; client: LspClient; migration: string }> {
  const dir = copyFixture("tracker");
  const { client } = await startServer({ root: dir, initializationOptions: options });
  await client.open(TRACKER_MODELS);
  await client.waitForDiagnostics(TRACKER_MODELS, (d) => d.some((x) => x.code === "drift-create-model"), "initial drift");
  const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", { apps: ["tracker"] });
  mkdirSync(path.join(dir, "src/tracker/migrations"), { recursive: true });
  for (const f of made.files) writeFileSync(f.path, f.content);
  await client.watched(made.files.map((f) => ({ file: f.path, type: 1 as const })));
  await client.waitForDiagnostics(TRACKER_MODELS, (d) => !d.some((x) => String(x.code).startsWith("drift-")), "no drift");
  return { dir, client, migration: path.relative(dir, made.files[0]!.path) };
}
