/**
 * Fault injection for tests of tsmigrate's own error handling. A test build
 * (esbuild `define: { TSMIGRATE_TEST_FAULT: '"<site>"' }`) makes
 * {@link injectFault} throw a TypeError at that site, standing for a bug of
 * ours; in every other build the identifier is undefined and the check is
 * a no-op.
 */
declare const TSMIGRATE_TEST_FAULT: string | undefined;

/**
 * Throws `TypeError("injected fault at <site>")` when this is a test build
 * made to fail at `site`; else does nothing.
 */
export function injectFault(site: string): void {
  if (typeof TSMIGRATE_TEST_FAULT !== "undefined" && TSMIGRATE_TEST_FAULT === site) {
    throw new TypeError(`injected fault at ${site}`);
  }
}
