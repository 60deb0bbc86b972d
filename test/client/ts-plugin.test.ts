/**
 * The TypeScript server plugin (client/src/ts_plugin.ts), in a real
 * tsserver (the project's TypeScript) loading it as VS Code does
 * (`--globalPlugins` with the extension's folder as `--pluginProbeLocations`):
 * - a project without the `tsmigrate` package gets no "Cannot find module
 *   'tsmigrate'", and the bundled declarations type-check its models (a
 *   wrong option type is an error); without the plugin the same file gets
 *   the error (the test can fail);
 * - a project with its own `tsmigrate` keeps it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { REPO } from "../lsp/harness";
// @ts-expect-error a plain .mjs build script, no declarations
import { TS_PLUGIN, writeTsPlugin } from "../../scripts/ts-plugin.mjs";

const scratch = mkdtempSync(path.join(tmpdir(), "tsmigrate-ts-plugin-"));
const extension = path.join(scratch, "extension");
after(() => rmSync(scratch, { recursive: true, force: true }));

before(async () => {
  // The extension's layout: dist/ts-plugin.js staged as node_modules/tsmigrate-typescript-plugin/.
  const dist = path.join(scratch, "build");
  await build({ entryPoints: [path.join(REPO, "client/src/ts_plugin.ts")], outfile: path.join(dist, "dist", "ts-plugin.js"), bundle: true, platform: "node", format: "cjs", logLevel: "warning" });
  mkdirSync(path.join(dist, "types"), { recursive: true });
  copyFileSync(path.join(REPO, "types/index.d.ts"), path.join(dist, "types", "index.d.ts"));
  (writeTsPlugin as (root: string, ext: string, version: string) => string)(dist, extension, "0.0.0");
});

const MODELS = `import { models } from "tsmigrate";

export class Product extends models.Model {
  name = models.CharField({ maxLength: 100 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: "two" });
}
`;

/** A project folder with a tsconfig and shop/models.ts; `own` adds its own node_modules/tsmigrate. */
function project(name: string, own?: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, "shop"), { recursive: true });
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", noEmit: true } }));
  writeFileSync(path.join(dir, "shop", "models.ts"), MODELS);
  if (own !== undefined) {
    const pkg = path.join(dir, "node_modules", "tsmigrate");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "tsmigrate", version: "9.9.9", types: "index.d.ts" }));
    writeFileSync(path.join(pkg, "index.d.ts"), own);
  }
  return path.join(dir, "shop", "models.ts");
}

/** The semantic and syntactic diagnostics tsserver gives `file`, with or without the plugin. */
async function diagnostics(file: string, withPlugin: boolean): Promise<string[]> {
  const args = [path.join(REPO, "node_modules/typescript/lib/tsserver.js"), "--disableAutomaticTypingAcquisition", "--useNodeIpc=false"];
  if (withPlugin) args.push("--globalPlugins", TS_PLUGIN as string, "--pluginProbeLocations", extension);
  const proc = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  const responses = new Map<number, (body: unknown) => void>();
  let buffer = "";
  proc.stdout.setEncoding("utf8");
  proc.stdout.on("data", (chunk: string) => {
    buffer += chunk;
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!header) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (Buffer.byteLength(buffer.slice(start)) < length) return;
      const body = Buffer.from(buffer.slice(start)).subarray(0, length).toString("utf8");
      buffer = Buffer.from(buffer.slice(start)).subarray(length).toString("utf8");
      const message = JSON.parse(body) as { type: string; request_seq?: number; body?: unknown; success?: boolean; message?: string };
      if (message.type === "response") responses.get(message.request_seq!)?.(message.success === false ? { error: message.message } : message.body);
    }
  });
  let seq = 0;
  const send = (command: string, args: unknown): Promise<unknown> => {
    const s = ++seq;
    proc.stdin.write(`${JSON.stringify({ seq: s, type: "request", command, arguments: args })}\n`);
    return new Promise((done) => responses.set(s, done));
  };
  try {
    await send("open", { file });
    const found: string[] = [];
    for (const command of ["syntacticDiagnosticsSync", "semanticDiagnosticsSync"]) {
      const body = (await send(command, { file })) as { text: string }[];
      assert.ok(Array.isArray(body), `${command}: ${JSON.stringify(body)}`);
      found.push(...body.map((d) => d.text));
    }
    return found;
  } finally {
    proc.kill();
  }
}

test("without the package: the plugin resolves 'tsmigrate' to the bundled declarations, which type-check the models", async () => {
  const file = project("bare");
  const without = await diagnostics(file, false);
  assert.ok(without.some((t) => /Cannot find module 'tsmigrate'/.test(t)), `without the plugin: ${JSON.stringify(without)}`);
  const withPlugin = await diagnostics(file, true);
  assert.ok(!withPlugin.some((t) => /Cannot find module/.test(t)), JSON.stringify(withPlugin));
  // The bundled types apply: decimalPlaces wants a number.
  assert.equal(withPlugin.length, 1, JSON.stringify(withPlugin));
  assert.match(withPlugin[0]!, /Type 'string' is not assignable to type 'number'/);
});

test("a project with its own tsmigrate keeps it", async () => {
  const file = project("own", "export declare const models: { readonly own: true };\n");
  const found = await diagnostics(file, true);
  assert.ok(found.some((t) => /Property 'Model' does not exist/.test(t)), `the project's declarations are used: ${JSON.stringify(found)}`);
});

test("package.json contributes the plugin under the name the .vsix ships it, and .vscodeignore lets its files in", () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { contributes: { typescriptServerPlugins?: { name: string }[] } };
  assert.deepEqual(pkg.contributes.typescriptServerPlugins?.map((p) => p.name), [TS_PLUGIN]);
  const ignore = readFileSync(path.join(REPO, ".vscodeignore"), "utf8");
  assert.ok(ignore.includes(`!node_modules/${TS_PLUGIN as string}/{package.json,index.js,tsmigrate.d.ts}`), ".vscodeignore allows the plugin's files");
});
