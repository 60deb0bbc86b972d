// The floor run in a new process (bench/floor.ts's executeFloorInNewProcess): executes the statements of the JSON
// array in file argv[2] in one transaction on a new database argv[3], foreign keys off, and prints the SQL's own
// wall and CPU seconds as JSON (the process's start-up and the file's reading left out). The bench times the
// whole process too (bench/cpu-at-exit.cjs preloaded, as for tsmigrate's own processes).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Database = require(path.join(__dirname, "..", "node_modules", "better-sqlite3"));
const statements = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const db = new Database(process.argv[3]);
db.pragma("foreign_keys = OFF");
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
db.exec("BEGIN");
for (const sql of statements) db.exec(sql);
db.exec("COMMIT");
const c = process.cpuUsage(c0);
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
db.close();
process.stdout.write(JSON.stringify({ wall, cpu: (c.user + c.system) / 1e6 }));
