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
import { ts } from "ts-morph";
import type { TsMigrateError } from "../engine/errors";
import { type ClassReading, classReaderOf, type ParsedClass, type ParsedModelFile, type ReadClass } from "../engine/source/model-file";
import { ModelProgram } from "../engine/source/program";
import { parseDiagnostics, syntaxErrors } from "../engine/source/read";
import { ChunkedText } from "./chunkedText";
import {
  contextKey, countLines, dropStaleDependents, lineBreaks, MEMBER_OF, moveTo, parseAlone, readEntry, type Slot, stubText,
  wordsOutside,
} from "./classSlots";

/** Counts of one parse, for tests and the bench. */
export interface ClassCacheStats {
  read: number;
  reused: number;
  /** 1 when the last parse was made by {@link ClassCache.quick} (the edited class alone parsed), else 0. */
  quick: number;
}


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
