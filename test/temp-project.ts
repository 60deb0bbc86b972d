/**
 * A project in a fresh temporary folder for tests: `files` maps paths
 * relative to the folder to their contents (folders made as needed).
 * Returns the folder's real path (macOS's /var -> /private/var resolved, so
 * locations compare equal). Removing it is the caller's.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function tempProject(prefix: string, files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}
