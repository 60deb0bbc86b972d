/**
 * The language server's cache of read classes, one per models file: a
 * keystroke re-reads only the classes whose text changed.
 *
 * Which classes changed comes from the edit itself: the text before the
 * first changed character and after the last one is the same as in the last
 * parse (program.ts's change range), so a class lying wholly in either part
 * is the class of the last parse at the same (or shifted) offset. It is
 * reused when it also starts at the same column, its file's context is the
 * same (every statement that is not a class, with its line; the class names;
 * the generation of the project's other files) and the classes whose members
 * it names (`Base.Meta`) are unchanged and in place. A class that only moved
 * to other lines is reused with its locations moved in place (they are
 * shared by everything read from it: fields, values, errors).
 *
 * The classes that must be read again are read from a reduced copy of the
 * file in a program of its own (fresh each time): the same text with every
 * other class cut down to `class Name {}` and its line breaks, or to its
 * line breaks alone when no text kept names it (every line keeps its number,
 * and the classes read keep their text), so that TypeScript parses and
 * binds a few classes, not the whole file, per keystroke.
 *
 * Memory stays bounded: only the classes of the file's last parse are kept.
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import type { SourceLocation } from "../engine/errors";
import type { TsMigrateError } from "../engine/errors";
import { type ClassReading, classReaderOf, type ParsedClass, type ParsedModelFile, type ReadClass } from "../engine/source/model-file";
import { ModelProgram } from "../engine/source/program";
import { collectLocations, syntaxErrors } from "../engine/source/read";
import { ChunkedText } from "./chunkedText";

interface Entry {
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
interface Slot {
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

/** Counts of one parse, for tests and the bench. */
export interface ClassCacheStats {
  read: number;
  reused: number;
  /** 1 when the last parse was made by {@link ClassCache.quick} (the edited class alone parsed), else 0. */
  quick: number;
}

const MEMBER_OF = /\b([A-Za-z_$][\w$]*)\s*\??\.\s*[A-Za-z_$]/g;

/** Reuses the classes of one models file between parses. */
export class ClassCache {
  /** The last parse's classes, by start offset, in the file's order. */
  private last = new Map<number, Slot>();
  /** The text of the last parse. */
  private lastText: ChunkedText | undefined;
  private context: string | undefined;
  private generation: number | undefined;
  /** Start offsets of the last parse's statements that are not named classes. */
  private others: readonly number[] = [];
  /** The last parse with no syntax error, where {@link quick} starts from. */
  private clean: CleanParse | undefined;
  /** The unsaved buffers of imported files, for the reduced copy's program. */
  private overrides: ReadonlyMap<string, string> = new Map();
  /** The last parse's classes by name (the first of a name declared twice). */
  private names = new Map<string, Slot>();
  private spansMade: Map<string, readonly [number, number]> | undefined;

  /** Each class's first and last line (1-based) in the last parse (the first class of a name declared twice); made when first asked for. */
  get spans(): ReadonlyMap<string, readonly [number, number]> {
    return (this.spansMade ??= new Map([...this.names].map(([name, s]) => [name, [s.line + 1, s.endLine + 1] as const])));
  }
  /** What the last parse did. */
  readonly stats: ClassCacheStats = { read: 0, reused: 0, quick: 0 };

  /**
   * The {@link ClassReading} of one parse by `program`. `generation` changes
   * whenever a project file the models file may import changed (every class
   * is then read again); `overrides` are the unsaved buffers of such files.
   */
  reading(program: ModelProgram, generation: number, overrides: ReadonlyMap<string, string>, text: ChunkedText): ClassReading {
    this.stats.read = this.stats.reused = this.stats.quick = 0;
    this.overrides = overrides;
    let parse: Parse | undefined;
    return (st, sf, read) => {
      if (parse?.sf !== sf) parse = this.begin(sf, program, generation, text);
      const slot = parse.slots.get(st.getStart(sf));
      if (!slot || slot.st !== st) {
        this.stats.read++;
        return read();
      }
      if (slot.entry) {
        moveTo(slot.entry, slot.line);
        this.stats.reused++;
        return slot.entry.read;
      }
      this.stats.read++;
      slot.entry = readEntry(slot, sf.fileName, text, parse.slots, parse.reduced?.reader(slot) ?? read);
      return slot.entry.read;
    };
  }

  /**
   * The parse of `text` without parsing the whole file, when the edit from
   * the last parse with no syntax error (typing in between may have broken
   * the file for a while) lies inside one class's body and that class's new text
   * parses on its own as the same class with no syntax error: then every
   * other statement parses as before (the parser meets the same tokens up
   * to the class, and the class ends where its text ends), so the classes
   * outside it are the last parse's, moved. The class (and those naming its
   * members) are read from the reduced copy. `previous` is that parse, made
   * with this cache at the same `generation` from `previousText`;
   * `overrides` as for {@link reading}.
   * Undefined when the edit is not of that kind (the caller parses the
   * file); nothing is changed then.
   */
  quick(
    previous: ParsedModelFile, previousText: ChunkedText, text: ChunkedText, program: ModelProgram, generation: number, overrides: ReadonlyMap<string, string>,
  ): ParsedModelFile | undefined {
    const clean = this.clean;
    if (!clean || clean.text !== previousText || generation !== clean.generation || text === clean.text) return undefined;
    const lastText = clean.text;
    this.overrides = overrides;
    const change = ChunkedText.changeBetween(lastText, text);
    const from = change.start;
    const to = from + change.oldLength;
    const edited = [...clean.slots.values()].find((s) => s.body <= from && to < s.end);
    if (!edited) return undefined;
    const delta = change.newLength - change.oldLength;
    const lines = countLines(text.slice(from, from + change.newLength)) - countLines(lastText.slice(from, to));
    if (lines !== 0 && clean.others.some((o) => o > edited.start)) return undefined;
    const alone = parseAlone(previous.file, text.slice(edited.start, edited.end + delta), edited.name);
    if (!alone) return undefined;
    const slots = new Map<number, Slot>();
    const names = new Map<string, Slot>();
    for (const s of clean.slots.values()) {
      const after = s.start > edited.start;
      // A class starting on the line the edited one ends on would change column.
      if (after && s.line === edited.endLine) return undefined;
      const slot: Slot = s === edited
        ? { name: s.name, start: s.start, end: s.end + delta, body: s.body, line: s.line, endLine: s.endLine + lines, column: s.column }
        : after
          ? { name: s.name, start: s.start + delta, end: s.end + delta, body: s.body + delta, line: s.line + lines, endLine: s.endLine + lines, column: s.column, entry: s.entry }
          : { ...s, st: undefined };
      slots.set(slot.start, slot);
      if (!names.has(slot.name)) names.set(slot.name, slot);
    }
    dropStaleDependents(slots, names);
    const pending = [...slots.values()].filter((s) => !s.entry);
    const reduced = this.reduced(previous.file, text, program, slots, names);
    const readers = pending.map((s) => reduced?.reader(s));
    if (readers.some((r) => r === undefined)) return undefined;
    pending.forEach((s, i) => (s.entry = readEntry(s, previous.file, text, slots, readers[i]!)));
    this.stats.read = pending.length;
    this.stats.reused = slots.size - pending.length;
    this.stats.quick = 1;
    const classes: ParsedClass[] = [];
    // The edited class's syntax errors are those of the reduced copy, where it is on the same lines.
    const errors: TsMigrateError[] = alone === "broken" ? syntaxErrors(reduced!.copy) : [];
    for (const s of slots.values()) {
      moveTo(s.entry!, s.line);
      classes.push(s.entry!.read.cls);
      errors.push(...s.entry!.read.errors);
    }
    this.commit({ ...clean, text, slots }, names, alone === "clean");
    return { ...previous, classes, errors };
  }

  /** Lets go of the last parse's class nodes (the parse is over). */
  dropNodes(): void {
    for (const s of this.last.values()) s.st = undefined;
  }

  /** Makes `parse` the last parse (and the last clean one when it had no syntax error). */
  private commit(parse: CleanParse, names: Map<string, Slot>, clean: boolean): void {
    this.last = parse.slots;
    this.lastText = parse.text;
    this.context = parse.context;
    this.generation = parse.generation;
    this.others = parse.others;
    this.names = names;
    this.spansMade = undefined;
    if (clean) this.clean = parse;
  }

  /** Matches the classes of a new parse with the last one's and prepares the reduced copy. */
  private begin(sf: ts.SourceFile, program: ModelProgram, generation: number, text: ChunkedText): Parse {
    const slots = new Map<number, Slot>();
    const names = new Map<string, Slot>();
    const others: number[] = [];
    for (const st of sf.statements) {
      if (!ts.isClassDeclaration(st) || !st.name) {
        others.push(st.getStart(sf));
        continue;
      }
      const start = st.getStart(sf);
      const lc = sf.getLineAndCharacterOfPosition(start);
      const endLine = sf.getLineAndCharacterOfPosition(st.end).line;
      const slot: Slot = { st, name: st.name.text, start, end: st.end, body: st.members.pos, line: lc.line, endLine, column: lc.character };
      slots.set(start, slot);
      if (!names.has(slot.name)) names.set(slot.name, slot);
    }
    const context = `${generation}\n${contextKey(sf, names)}`;
    if (context === this.context) this.match(text, slots, names);
    this.commit({ text, slots, others, context, generation }, names, parseDiagnostics(sf).length === 0);
    return { sf, slots, reduced: this.reduced(sf.fileName, text, program, slots, names) };
  }

  /** Gives each class of the new parse that lies outside the edit the last parse's entry for it, when it still holds. */
  private match(text: ChunkedText, slots: Map<number, Slot>, names: Map<string, Slot>): void {
    const lastText = this.lastText ?? ChunkedText.of("");
    const change = text === lastText ? undefined : ChunkedText.changeBetween(lastText, text);
    const prefix = change ? change.start : text.length;
    const newTail = change ? change.start + change.newLength : text.length;
    const delta = change ? change.newLength - change.oldLength : 0;
    for (const slot of slots.values()) {
      const before = slot.end <= prefix ? this.last.get(slot.start) : slot.start >= newTail ? this.last.get(slot.start - delta) : undefined;
      const entry = before && before.end === (slot.end <= prefix ? slot.end : slot.end - delta) ? before.entry : undefined;
      if (entry && entry.column === slot.column) slot.entry = entry;
    }
    dropStaleDependents(slots, names);
  }

  /**
   * Reads the classes to read again from the reduced copy of `text` (the
   * models file `file`), when they are few (at most a quarter); undefined to
   * read them from the parse itself.
   */
  private reduced(file: string, text: ChunkedText, program: ModelProgram, slots: Map<number, Slot>, names: Map<string, Slot>): Reduced | undefined {
    const pending = [...slots.values()].filter((s) => !s.entry).map((s) => s.name);
    if (pending.length === 0 || pending.length * 4 > slots.size) return undefined;
    const keep = new Set<string>();
    while (pending.length) {
      const name = pending.pop()!;
      if (keep.has(name)) continue;
      keep.add(name);
      const slot = names.get(name);
      if (!slot) continue;
      for (const m of text.slice(slot.start, slot.end).matchAll(MEMBER_OF)) if (names.has(m[1]!) && !keep.has(m[1]!)) pending.push(m[1]!);
    }
    const words = wordsOutside(text, slots, (slot) => !keep.has(slot.name) && slot.entry !== undefined);
    const parts: string[] = [];
    let at = 0;
    for (const slot of slots.values()) {
      if (keep.has(slot.name) || !slot.entry) continue;
      const body = text.slice(slot.start, slot.end);
      // A class no kept text names is left out (its line breaks stay).
      parts.push(text.slice(at, slot.start), words.has(slot.name) ? (slot.entry.stub ??= stubText(body, slot.name)) : (slot.entry.blank ??= lineBreaks(body)));
      at = slot.end;
    }
    parts.push(text.slice(at));
    // A fresh program and parse each time: re-parsing the copy incrementally and re-binding it kept every
    // older copy reachable (from nodes reused with the binder's links to the previous tree).
    const reader = new ModelProgram(this.overrides, program);
    const copy = reader.sourceFile(file, parts.join(""));
    const twins = new Map<string, ts.ClassDeclaration>();
    for (const st of copy.statements) if (ts.isClassDeclaration(st) && st.name && keep.has(st.name.text)) twins.set(st.name.text, st);
    const readIn = classReaderOf(copy, reader);
    const read = (slot: Slot): (() => ReadClass) | undefined => {
      const twin = twins.get(slot.name);
      if (!twin) return undefined;
      // Kept classes are verbatim on the same lines: everything read from them is where it is in the file.
      const at = copy.getLineAndCharacterOfPosition(twin.getStart(copy));
      return at.line === slot.line && at.character === slot.column ? () => readIn(twin) : undefined;
    };
    return { reader: read, copy };
  }
}

/** A class naming a member of another class holds only while that one is unchanged and in place: drops the others' entries. */
function dropStaleDependents(slots: Map<number, Slot>, names: Map<string, Slot>): void {
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
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The syntax errors of a parse. */
function parseDiagnostics(sf: ts.SourceFile): readonly ts.Diagnostic[] {
  return (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
}

/**
 * How `text` (a class's new text) parses on its own: "clean" (no syntax
 * error) or "broken" (syntax errors inside it) when it is exactly one class
 * named `name`, from its first character to its closing brace at its last;
 * undefined otherwise (the class took in what follows it, or is no longer
 * one class), when the whole file must be parsed.
 */
function parseAlone(file: string, text: string, name: string): "clean" | "broken" | undefined {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const st = sf.statements[0];
  if (sf.statements.length !== 1 || !st || !ts.isClassDeclaration(st) || st.name?.text !== name || st.getStart(sf) !== 0) return undefined;
  // Its own closing brace ends it (an unclosed class ends at the end of the text with a brace missing).
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  scanner.resetTokenState(st.members.end);
  if (scanner.scan() !== ts.SyntaxKind.CloseBraceToken || scanner.getTokenEnd() !== text.length || st.end !== text.length) return undefined;
  return parseDiagnostics(sf).length === 0 ? "clean" : "broken";
}

/** One parse of the file: its text, classes and other statements, and what every class's reading depends on. */
interface CleanParse {
  readonly text: ChunkedText;
  readonly slots: Map<number, Slot>;
  /** Start offsets of the statements that are not named classes. */
  readonly others: readonly number[];
  /** {@link contextKey} with the generation. */
  readonly context: string;
  readonly generation: number;
}

/** The reduced copy of one parse. */
interface Reduced {
  /** How to read a class from the copy (undefined when it is not there verbatim, on its lines). */
  reader(slot: Slot): (() => ReadClass) | undefined;
  readonly copy: ts.SourceFile;
}

/** What one parse's reading knows. */
interface Parse {
  readonly sf: ts.SourceFile;
  readonly slots: Map<number, Slot>;
  readonly reduced: Reduced | undefined;
}

/** Reads a class, keeping its locations (an entry never reused when an error message quotes a line of its file). */
function readEntry(slot: Slot, file: string, text: ChunkedText, slots: Map<number, Slot>, read: () => ReadClass): Entry {
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
function moveTo(entry: Entry, line: number): void {
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
function stubText(text: string, name: string): string {
  return `class ${name} {}${lineBreaks(text)}`;
}

/** The line breaks of `text`. */
function lineBreaks(text: string): string {
  return text.replace(/[^\n]+/g, "");
}

const WORD = /[A-Za-z_$][\w$]*/g;
const WORD_START = /[A-Za-z_$]/;

/** Every word (identifier, keyword) of `text` outside the classes `cut` (those the reduced copy cuts down). */
function wordsOutside(text: ChunkedText, slots: Map<number, Slot>, cut: (slot: Slot) => boolean): Set<string> {
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
function contextKey(sf: ts.SourceFile, names: Map<string, Slot>): string {
  const parts: string[] = [[...names.keys()].join(",")];
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name) continue;
    const start = st.getStart(sf);
    parts.push(`${sf.getLineAndCharacterOfPosition(start).line}:${sf.text.slice(start, st.end)}`);
  }
  return parts.join("\n");
}
