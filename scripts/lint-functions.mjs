// npm run lint: the longest functions of server/src (and client/src), read
// with the TypeScript compiler. Prints the top five of each tree and fails
// (exit 1) when one is longer than the limit (80 lines), so that every
// function stays short enough to hold in mind (DEVELOPERS.md).
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const LIMIT = 80;
const TREES = ["server/src", "client/src"];

/** Every .ts file below `dir`. */
function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** The name a reader would search for: `Class.method`, `function`, `outer.<arrow>`. */
function nameOf(node, sf) {
  const own = node.name ? node.name.getText(sf) : undefined;
  let holder = node.parent;
  while (holder && !ts.isClassLike(holder) && !ts.isFunctionLike(holder) && !ts.isVariableDeclaration(holder)) holder = holder.parent;
  const outer = holder?.name ? holder.name.getText(sf) : undefined;
  if (own && outer && ts.isClassLike(holder)) return `${outer}.${own}`;
  return own ?? (outer ? `${outer}` : "<anonymous>");
}

/** [lines, name, file:line] of every function-like node with a body. */
function functionsOf(file) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      out.push({ lines: end - start + 1, name: nameOf(node, sf), where: `${file}:${start + 1}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

let failed = false;
for (const tree of TREES) {
  const all = files(tree).flatMap(functionsOf).sort((a, b) => b.lines - a.lines);
  console.log(`Longest functions in ${tree} (limit ${LIMIT} lines):`);
  for (const f of all.slice(0, 5)) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.where}`);
  const over = all.filter((f) => f.lines > LIMIT);
  if (over.length) {
    failed = true;
    console.log(`  ${over.length} over the limit:`);
    for (const f of over) console.log(`    ${f.lines}  ${f.name}  ${f.where}`);
  }
}
process.exitCode = failed ? 1 : 0;
