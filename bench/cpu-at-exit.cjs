// Preloaded by bench/startup.ts (`node --require`): writes the process's own
// CPU time (process.cpuUsage(), microseconds) to $BENCH_CPU_FILE at exit.
"use strict";
const fs = require("node:fs");
process.on("exit", () => {
  if (process.env.BENCH_CPU_FILE) fs.writeFileSync(process.env.BENCH_CPU_FILE, JSON.stringify(process.cpuUsage()));
});
