// Makes sure the system packages the tests need are present: Django 3.2
// (Debian's python3-django), which the schema-comparison tests run as the
// reference; PostgreSQL 15's server binaries (Debian's postgresql), which
// test/postgres/server.ts starts in a private data directory; and
// python3-psycopg2, Django's PostgreSQL driver; and Neovim (Debian's neovim),
// the second LSP client test/lsp/neovim.test.ts drives headless. Installs what is missing
// with apt-get when running as root; otherwise says what to install and
// fails (no test is skipped for lack of them).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const python = (code) => spawnSync("/usr/bin/python3", ["-c", code], { stdio: "ignore" }).status === 0;

/** The server binaries of the newest PostgreSQL under /usr/lib/postgresql (Debian's layout), or undefined. */
export function postgresBinDir() {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`)).sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${root}/${versions[0]}/bin` : undefined;
}

const needs = [
  { pkg: "python3-django", what: "Django 3.2", ok: () => python("import django; assert django.VERSION[:2] == (3, 2)") },
  { pkg: "python3-psycopg2", what: "psycopg2 (Django's PostgreSQL driver)", ok: () => python("import psycopg2") },
  { pkg: "postgresql", what: "the PostgreSQL server (initdb, pg_ctl)", ok: () => postgresBinDir() !== undefined },
  { pkg: "neovim", what: "Neovim (the headless LSP-client test, test/lsp/neovim.test.ts)", ok: () => spawnSync("nvim", ["--version"], { stdio: "ignore" }).status === 0 },
];

const missing = needs.filter((n) => !n.ok());
if (missing.length) {
  const pkgs = missing.map((n) => n.pkg);
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) {
    console.error(`The tests need ${missing.map((n) => n.what).join(", ")}: sudo apt-get install ${pkgs.join(" ")}`);
    process.exit(1);
  }
  console.log(`Installing Debian's ${pkgs.join(", ")} for the tests...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", ...pkgs]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const still = missing.filter((n) => !n.ok());
  if (still.length) {
    console.error(`installed ${pkgs.join(" ")}, but still missing: ${still.map((n) => n.what).join(", ")}`);
    process.exit(1);
  }
}
