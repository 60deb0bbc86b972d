/**
 * The offer to add the `tsmigrate` package to a project's devDependencies
 * (issue 13): a models file that imports `tsmigrate` in a project whose
 * package.json does not list it type-checks only through the extension's
 * TypeScript plugin (ts_plugin.ts); the package gives the CLI (`npx
 * tsmigrate`), CI and other editors the same types. The decisions are here,
 * without `vscode`; dev_dependency_offer.ts shows the notification.
 */
import * as path from "node:path";
import { applyEdits, modify, parse, type ParseError } from "jsonc-parser";

/** The npm package's name. */
export const PACKAGE = "tsmigrate";

/** The dependency fields of package.json that count as listing the package. */
const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** True when `text` (a TypeScript file) imports `tsmigrate` (`import ... from "tsmigrate"`, `import("tsmigrate")`, `require("tsmigrate")`). */
export function importsPackage(text: string): boolean {
  return /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']tsmigrate["']/.test(text);
}

/**
 * Whether package.json's `text` lists `tsmigrate` in any dependency field;
 * undefined when it is not a JSON object (a broken package.json is left alone).
 */
export function listsPackage(text: string): boolean | undefined {
  const errors: ParseError[] = [];
  const json = parse(text, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length > 0 || typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const pkg = json as Record<string, unknown>;
  return DEPENDENCY_FIELDS.some((f) => typeof pkg[f] === "object" && pkg[f] !== null && PACKAGE in (pkg[f] as object));
}

/**
 * package.json's `text` with `"tsmigrate": range` added to devDependencies
 * (created when absent), keeping the file's indentation and other text.
 */
export function withDevDependency(text: string, range: string): string {
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? "  ";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const edits = modify(text, ["devDependencies", PACKAGE], range, {
    formattingOptions: { insertSpaces: !indent.includes("\t"), tabSize: indent.includes("\t") ? 1 : indent.length, eol },
  });
  return applyEdits(text, edits);
}

/** The nearest package.json at or above the folder of `file`, not above `root`; undefined when there is none. */
export async function nearestPackageJson(file: string, root: string, exists: (file: string) => Promise<boolean>): Promise<string | undefined> {
  const top = path.resolve(root);
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (await exists(candidate)) return candidate;
    if (dir === top || path.dirname(dir) === dir || !dir.startsWith(top)) return undefined;
  }
}

/** What the offer needs to read: file contents (undefined when missing). */
export interface OfferIo {
  read(file: string): Promise<string | undefined>;
}

/** The offer to make: the models file that imports the package, and the package.json that lacks it. */
export interface DevDependencyOffer {
  readonly modelsFile: string;
  readonly packageJson: string;
}

/**
 * The first of `modelsFiles` that imports `tsmigrate` while its nearest
 * package.json (within `root`) lists it in no dependency field; undefined
 * when none does (no import, no package.json, a package.json that lists it
 * or does not parse).
 */
export async function findOffer(modelsFiles: readonly string[], root: string, io: OfferIo): Promise<DevDependencyOffer | undefined> {
  for (const modelsFile of modelsFiles) {
    const text = await io.read(modelsFile);
    if (text === undefined || !importsPackage(text)) continue;
    const packageJson = await nearestPackageJson(modelsFile, root, async (f) => (await io.read(f)) !== undefined);
    if (packageJson === undefined) continue;
    if (listsPackage((await io.read(packageJson))!) === false) return { modelsFile, packageJson };
  }
  return undefined;
}
