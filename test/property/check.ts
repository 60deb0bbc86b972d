/**
 * The property test's driver, shared by the SQLite and PostgreSQL test
 * files: fast-check draws a list of numbers, the generator's decisions
 * (test/property/history.ts reads them in turn; past the end every
 * decision is 0, the first choice), and the history made from them runs
 * through {@link assertHistory}. A failing list shrinks (fewer, smaller
 * numbers: a shorter, simpler history), and replays exactly from its seed
 * and path.
 *
 * A failure prints fast-check's seed and path; replay exactly that history
 * with `TSM_PROPERTY_SEED=<seed> TSM_PROPERTY_PATH=<path>` on the same test
 * file. `npm test` draws the same histories every run (a fixed seed);
 * `TSM_PROPERTY_SEED=random` draws new ones. `TSM_PROPERTY_RUNS=N` changes the number of histories;
 * `TSM_PROPERTY_LOG=1` prints each history's length and wall time on stderr;
 * `TSM_PROPERTY_SHRINK=0` reports the first failing history as drawn, unshrunk
 * (shrinking reruns histories: minutes on PostgreSQL).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { generateHistory } from "./history";
import { type PropertyBackend, assertHistory } from "./runner";

/** The number of histories: `TSM_PROPERTY_RUNS`, else `fallback`. */
export function runCount(fallback: number): number {
  const env = process.env.TSM_PROPERTY_RUNS;
  if (env === undefined) return fallback;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TSM_PROPERTY_RUNS must be a positive integer, not ${JSON.stringify(env)}`);
  return n;
}

/**
 * The seed of `npm test`'s histories: the same ones every run, so that CI
 * fails only on a change of ours (`TSM_PROPERTY_SEED=random` draws new
 * ones, for looking for bugs).
 */
const FIXED_SEED = 20261206;

/** fast-check's parameters: a replay from `TSM_PROPERTY_SEED` / `TSM_PROPERTY_PATH`, else the fixed seed (or a random one). */
function replay(): { seed?: number; path?: string; endOnFailure?: boolean } {
  const seed = process.env.TSM_PROPERTY_SEED;
  const noShrink = process.env.TSM_PROPERTY_SHRINK === "0" ? { endOnFailure: true } : {};
  if (seed === "random") return noShrink;
  if (seed === undefined) return { seed: FIXED_SEED, ...noShrink };
  return { seed: Number(seed), path: process.env.TSM_PROPERTY_PATH, endOnFailure: true };
}

/**
 * Runs `runs` random histories on `backend`; fails (with fast-check's seed
 * and path, the shrunk history and its problems) on the first one that has
 * a problem. Also fails when the rows checks followed nothing across all
 * runs (the test would then prove nothing about data). Resolves with a
 * one-line summary (histories, steps, values checked) for the test's log.
 */
export async function checkRandomHistories(backend: PropertyBackend, runs: number): Promise<string> {
  let tracked = 0;
  let steps = 0;
  const property = fc.asyncProperty(fc.array(fc.noBias(fc.nat()), { minLength: 200, maxLength: 300 }), async (decisions) => {
    let i = 0;
    const history = generateHistory({ int: (n) => (i < decisions.length ? decisions[i++]! % n : 0) }, backend.generate);
    steps += history.steps.length;
    const started = performance.now();
    try {
      tracked += await assertHistory(history, backend);
    } finally {
      if (process.env.TSM_PROPERTY_LOG) process.stderr.write(`history of ${history.steps.length} steps: ${Math.round(performance.now() - started)} ms\n`);
    }
  });
  const details = await fc.check(property, { numRuns: runs, ...replay() });
  if (details.failed) {
    const e = details.errorInstance;
    const replayVars = `TSM_PROPERTY_SEED=${details.seed} TSM_PROPERTY_PATH=${details.counterexamplePath ?? ""}`;
    assert.fail(
      `a random history failed on ${backend.vendor} (run ${details.numRuns} of ${runs}, shrunk ${details.numShrinks} time(s)); ` +
      `replay it with ${replayVars}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
  }
  assert.ok(steps >= runs * 2, `histories of ${steps} steps in all for ${runs} runs: the generator stops too early`);
  assert.ok(tracked > runs, `only ${tracked} values followed across ${runs} histories`);
  return `${runs} histories, ${steps} steps, ${tracked} row values checked across the checkpoints`;
}
