import { readFileSync } from "node:fs";
import { collect, shopState } from "./fixtures";
const state = shopState();
const { sql, editor } = collect();
for (const m of state.models.values()) editor.createModel(m, state);
editor.flush();
const django = readFileSync("/tmp/h2_full.sql", "utf8").split("\n").filter((l) => l && !l.startsWith("--") && l !== "BEGIN;" && l !== "COMMIT;").map((l) => l.replace(/;$/, ""));
for (let i = 0; i < Math.max(sql.length, django.length); i++) {
  if (sql[i] !== django[i]) console.log(`#${i}\n ours:   ${sql[i]}\n django: ${django[i]}`);
}
console.log(sql.length, django.length);
