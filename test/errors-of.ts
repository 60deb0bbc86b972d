// Test helper: the errors a call throws, whether one TsMigrateError or MultipleErrors.
import assert from "node:assert/strict";
import { MultipleErrors, TsMigrateError } from "../server/src/engine/errors";

/** All errors thrown by `fn` (single or MultipleErrors); fails the test when it throws none or something else. */
export function errorsOf(fn: () => unknown): TsMigrateError[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof MultipleErrors) return [...e.errors];
    assert.ok(e instanceof TsMigrateError, String(e));
    return [e];
  }
  assert.fail("expected an error");
}
