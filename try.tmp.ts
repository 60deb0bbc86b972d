import { loadConfig } from "./server/src/engine/config";
import { loadModels } from "./server/src/engine/source/models";
for (const step of process.argv.slice(2)) {
  const r = loadModels(loadConfig({ project: step }));
  for (const e of r.errors) console.log(e.format());
  for (const m of r.state.models.values()) console.log(m.key, JSON.stringify(Object.fromEntries(m.fields)), JSON.stringify(m.options));
}
