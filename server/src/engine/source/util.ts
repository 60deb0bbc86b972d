/**
 * Small helpers shared by the source readers: value rendering for messages
 * and an error collector.
 */
import { MultipleErrors, type SourceLocation, TsMigrateError } from "../errors";
import { CallValue, RefValue, type Value, isObjectValue } from "../values";

/** A short rendering of a value for messages. */
export function show(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  if (v instanceof RefValue) return v.name;
  if (v instanceof CallValue) return `${v.callee}(...)`;
  if (Array.isArray(v)) return "an array";
  if (isObjectValue(v)) return "an object";
  return JSON.stringify(v);
}

/** Collects problems found while reading one value; thrown together at the end. */
export class Sink {
  /** The problems so far, in the order found. */
  readonly errors: TsMigrateError[] = [];
  /** Records a problem `message` of kind `code` at `location`. */
  add(message: string, code: string, location: SourceLocation | undefined): void {
    this.errors.push(new TsMigrateError(message, { code, location }));
  }
  /** Records a thrown TsMigrateError (all of a MultipleErrors); rethrows anything else. */
  take(e: unknown): void {
    if (e instanceof MultipleErrors) this.errors.push(...e.errors);
    else if (e instanceof TsMigrateError) this.errors.push(e);
    else throw e;
  }
  /** Throws the one problem, or a MultipleErrors of all; does nothing when there are none. */
  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0]!;
    if (this.errors.length > 1) throw new MultipleErrors(this.errors);
  }
}
