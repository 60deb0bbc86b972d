/**
 * The `tsmigrate` package's runtime entry. Model and migration files are read
 * statically and never executed, so at runtime `models` and `migrations` are
 * inert markers; their types live in `types/index.d.ts`.
 */
export const models = new Proxy({}, { get: (_t, name) => String(name) });
export const migrations = new Proxy({}, { get: (_t, name) => String(name) });
