/**
 * The language server's cache of read classes, one per models file: a
 * keystroke re-reads only the classes whose text changed. A class is reused
 * when its text (modifiers to closing brace) is the same as when it was read,
 * it starts at the same column, its file's context is the same (every
 * statement that is not a class, with its line; the class names; the
 * generation of the project's other files) and the classes whose members it
 * names (`Base.Meta`) are unchanged and in place. A class that only moved to
 * other lines is reused with its locations moved in place (they are shared
 * by everything read from it: fields, values, errors).
 *
 * Memory stays bounded: only the classes of the file's last parse are kept.
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import type { SourceLocation } from "../engine/errors";
import type { ClassReading, ReadClass } from "../engine/source/model-file";
import { collectLocations } from "../engine/source/read";

interface Entry {
  readonly read: ReadClass;
  /** Locations inside the class (moved with it). */
  readonly locs: readonly SourceLocation[];
  /** 0-based line of the class's first character. */
  line: number;
  readonly column: number;
  /** Names of other classes of the file whose members the class names, with `line:text` of each when read. */
  readonly deps: ReadonlyMap<string, string>;
}

/** Where and what a class of the current parse is. */
interface Place {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

const MEMBER_OF = /\b([A-Za-z_$][\w$]*)\s*\??\.\s*[A-Za-z_$]/g;

/** Counts of one parse, for tests and the bench. */
export interface ClassCacheStats {
  read: number;
  reused: number;
}

/** Reuses the classes of one models file between parses. */
export class ClassCache {
  private entries = new Map<string, Entry>();
  private context: string | undefined;
  /** Each class's first and last line (1-based) in the last parse (the first class of a name declared twice). */
  spans = new Map<string, readonly [number, number]>();
  /** What the last parse did. */
  readonly stats: ClassCacheStats = { read: 0, reused: 0 };

  /**
   * The {@link ClassReading} of one parse. `generation` changes whenever a
   * project file the models file may import changed (every class is then
   * read again).
   */
  reading(generation: number): ClassReading {
    const previous = this.entries;
    const next = new Map<string, Entry>();
    this.entries = next;
    this.stats.read = this.stats.reused = 0;
    const spans = new Map<string, readonly [number, number]>();
    this.spans = spans;
    let places: Map<string, Place> | undefined;
    let current: ts.SourceFile | undefined;
    return (st, sf, read) => {
      if (current !== sf) {
        current = sf;
        places = classPlaces(sf);
        const context = `${generation}\n${contextKey(sf, places)}`;
        if (context !== this.context) previous.clear();
        this.context = context;
      }
      const place = placeOf(st, sf);
      if (!spans.has(st.name!.text)) spans.set(st.name!.text, [place.line + 1, sf.getLineAndCharacterOfPosition(st.end).line + 1]);
      const key = place.text;
      const hit = next.has(key) ? undefined : previous.get(key);
      if (hit && hit.column === place.column && depsHold(hit.deps, places!)) {
        moveTo(hit, place.line);
        next.set(key, hit);
        this.stats.reused++;
        return hit.read;
      }
      this.stats.read++;
      const entry = readEntry(st, sf, place, places!, read);
      if (!next.has(key)) next.set(key, entry);
      return entry.read;
    };
  }
}

/** Reads a class, keeping its locations (an entry that never matches when an error message quotes a line of its file). */
function readEntry(st: ts.ClassDeclaration, sf: ts.SourceFile, place: Place, places: Map<string, Place>, read: () => ReadClass): Entry {
  const locs: SourceLocation[] = [];
  const endLine = sf.getLineAndCharacterOfPosition(st.end).line;
  const r = collectLocations((loc) => {
    if (loc.file === sf.fileName && loc.line - 1 >= place.line && (loc.endLine ?? loc.line) - 1 <= endLine) locs.push(loc);
  }, read);
  const quoted = `${path.basename(sf.fileName)}:`;
  if (r.errors.some((e) => e.message.includes(quoted))) return { read: r, locs, line: place.line, column: -1, deps: new Map() };
  const deps = new Map<string, string>();
  for (const m of place.text.matchAll(MEMBER_OF)) {
    const name = m[1]!;
    const other = places.get(name);
    if (other && name !== st.name!.text) deps.set(name, `${other.line}:${other.text}`);
  }
  return { read: r, locs, line: place.line, column: place.column, deps };
}

function depsHold(deps: ReadonlyMap<string, string>, places: Map<string, Place>): boolean {
  for (const [name, was] of deps) {
    const p = places.get(name);
    if (!p || `${p.line}:${p.text}` !== was) return false;
  }
  return true;
}

/** Moves a reused class's locations to its new first line. */
function moveTo(entry: Entry, line: number): void {
  const delta = line - entry.line;
  if (delta === 0) return;
  for (const loc of entry.locs) {
    loc.line += delta;
    if (loc.endLine !== undefined) loc.endLine += delta;
  }
  entry.line = line;
}

function placeOf(st: ts.ClassDeclaration, sf: ts.SourceFile): Place {
  const start = st.getStart(sf);
  const lc = sf.getLineAndCharacterOfPosition(start);
  return { text: sf.text.slice(start, st.end), line: lc.line, column: lc.character };
}

/** Every named top-level class's place (the first of a name declared twice). */
function classPlaces(sf: ts.SourceFile): Map<string, Place> {
  const out = new Map<string, Place>();
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name && !out.has(st.name.text)) out.set(st.name.text, placeOf(st, sf));
  }
  return out;
}

/** What every class's reading may depend on besides its own text: the other statements (with their lines) and the class names. */
function contextKey(sf: ts.SourceFile, places: Map<string, Place>): string {
  const parts: string[] = [[...places.keys()].join(",")];
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name) continue;
    const start = st.getStart(sf);
    parts.push(`${sf.getLineAndCharacterOfPosition(start).line}:${sf.text.slice(start, st.end)}`);
  }
  return parts.join("\n");
}
