/**
 * Small helpers shared by the source readers: value rendering for messages.
 */
import { CallValue, RefValue, type Value, isObjectValue } from "../values";
import { unresolvedReason } from "./read";

/** A short rendering of a value for messages. */
export function show(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  if (v instanceof RefValue) {
    const why = unresolvedReason(v);
    return why ? `${v.name} (${why})` : v.name;
  }
  if (v instanceof CallValue) return `${v.callee}(...)`;
  if (Array.isArray(v)) return "an array";
  if (isObjectValue(v)) return "an object";
  return JSON.stringify(v);
}
