/**
 * The classes of one parse of a models file as the language server's class
 * cache keeps them (lsp/classCache.ts): each class's place and the entry
 * read from it, and the helpers that match, move, cut down and read them.
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import type { SourceLocation } from "../engine/errors";
import type { ReadClass } from "../engine/source/model-file";
import { collectLocations, parseDiagnostics } from "../engine/source/read";
import type { ChunkedText } from "./chunkedText";

export interface Entry {
  readonly read: ReadClass;
  /** Locations inside the class (moved with it). */
  readonly locs: readonly SourceLocation[];
  /** 0-based line of the class's first character. */
  line: number;
  /** Its column; -1 for a class never reused (an error message quotes a line of the file). */
  readonly column: number;
  /** Other classes of the file whose members the class names: their entry and line when read. */
  readonly deps: ReadonlyMap<string, { entry: Entry; line: number }>;
  /** The class's {@link stubText} and {@link lineBreaks} (made once: a reused class's text is the same). */
  stub?: string;
  blank?: string;
}

/** One class of a parse. */
export interface Slot {
  /** The class's node (undefined in a parse made by {@link ClassCache.quick}, which has no tree). */
  st?: ts.ClassDeclaration;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** The offset just after the `{` of the class body. */
  readonly body: number;
  /** 0-based lines of the class's first and last characters, and the column of its first. */
  readonly line: number;
  readonly endLine: number;
  readonly column: number;
  /** The entry standing for it (a reused one, or the one read). */
  entry?: Entry;
}

export const MEMBER_OF = /\b([A-Za-z_$][\w$]*)\s*\??\.\s*[A-Za-z_$]/g;

/** A class naming a member of another class holds only while that one is unchanged and in place: drops the others' entries. */
export function dropStaleDependents(slots: Map<number, Slot>, names: Map<string, Slot>): void {
  let dropped = true;
  while (dropped) {
    dropped = false;
    for (const slot of slots.values()) {
      const deps = slot.entry?.deps ?? [];
      for (const [name, dep] of deps) {
        const now = names.get(name);
        if (slot.entry && (!now || now.entry !== dep.entry || now.line !== dep.line)) {
          slot.entry = undefined;
          dropped = true;
        }
      }
    }
  }
}

/** Line breaks in `text`. */
export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * How `text` (a class's new text) parses on its own: "clean" (no syntax
 * error) or "broken" (syntax errors inside it) when it is exactly one class
 * named `name`, from its first character to its closing brace at its last;
 * undefined otherwise (the class took in what follows it, or is no longer
 * one class), when the whole file must be parsed.
 */
export function parseAlone(file: string, text: string, name: string): "clean" | "broken" | undefined {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const st = sf.statements[0];
  if (sf.statements.length !== 1 || !st || !ts.isClassDeclaration(st) || st.name?.text !== name || st.getStart(sf) !== 0) return undefined;
  // Its own closing brace ends it (an unclosed class ends at the end of the text with a brace missing).
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  scanner.resetTokenState(st.members.end);
  if (scanner.scan() !== ts.SyntaxKind.CloseBraceToken || scanner.getTokenEnd() !== text.length || st.end !== text.length) return undefined;
  return parseDiagnostics(sf).length === 0 ? "clean" : "broken";
}

/** Reads a class, keeping its locations (an entry never reused when an error message quotes a line of its file). */
export function readEntry(slot: Slot, file: string, text: ChunkedText, slots: Map<number, Slot>, read: () => ReadClass): Entry {
  const locs: SourceLocation[] = [];
  const r = collectLocations((loc) => {
    if (loc.file === file && loc.line - 1 >= slot.line && (loc.endLine ?? loc.line) - 1 <= slot.endLine) locs.push(loc);
  }, read);
  const quoted = `${path.basename(file)}:`;
  const column = r.errors.some((e) => e.message.includes(quoted)) ? -1 : slot.column;
  const deps = new Map<string, { entry: Entry; line: number }>();
  const byName = new Map<string, Slot>();
  for (const s of slots.values()) if (!byName.has(s.name)) byName.set(s.name, s);
  for (const m of text.slice(slot.start, slot.end).matchAll(MEMBER_OF)) {
    const other = byName.get(m[1]!);
    if (other && other !== slot) {
      // A dependency read later in this parse gets its entry then; until then it cannot be matched (read again next time).
      deps.set(other.name, { entry: other.entry ?? ({} as Entry), line: other.line });
    }
  }
  return { read: r, locs, line: slot.line, column, deps };
}

/** Moves a reused class's locations to its new first line. */
export function moveTo(entry: Entry, line: number): void {
  const delta = line - entry.line;
  if (delta === 0) return;
  for (const loc of entry.locs) {
    loc.line += delta;
    if (loc.endLine !== undefined) loc.endLine += delta;
  }
  entry.line = line;
}

/**
 * `class Name {}` in place of a class's text, with as many line breaks (the
 * lines after it keep their numbers; offsets change, which nothing read from
 * the copy uses).
 */
export function stubText(text: string, name: string): string {
  return `class ${name} {}${lineBreaks(text)}`;
}

/** The line breaks of `text`. */
export function lineBreaks(text: string): string {
  return text.replace(/[^\n]+/g, "");
}

const WORD = /[A-Za-z_$][\w$]*/g;
const WORD_START = /[A-Za-z_$]/;

/** Every word (identifier, keyword) of `text` outside the classes `cut` (those the reduced copy cuts down). */
export function wordsOutside(text: ChunkedText, slots: Map<number, Slot>, cut: (slot: Slot) => boolean): Set<string> {
  const words = new Set<string>();
  const add = (from: number, to: number): void => {
    if (to <= from) return;
    const part = text.slice(from, to);
    // Most text between classes is a line break.
    if (WORD_START.test(part)) for (const m of part.matchAll(WORD)) words.add(m[0]);
  };
  let at = 0;
  for (const slot of slots.values()) {
    if (!cut(slot)) continue;
    add(at, slot.start);
    at = slot.end;
  }
  add(at, text.length);
  return words;
}

/** What every class's reading may depend on besides its own text: the other statements (with their lines) and the class names. */
export function contextKey(sf: ts.SourceFile, names: Map<string, Slot>): string {
  const parts: string[] = [[...names.keys()].join(",")];
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name) continue;
    const start = st.getStart(sf);
    parts.push(`${sf.getLineAndCharacterOfPosition(start).line}:${sf.text.slice(start, st.end)}`);
  }
  return parts.join("\n");
}
