// Functions of the project used as callable defaults: migrations import them by name (never a copy).

// The body changed: no migration (the migration names the function, as Django's does).
export function newToken(): string {
  return crypto.randomUUID().slice(0, 10);
}

export const newCode = (): string => `c-${Date.now()}`;

export function expiresAt(): Date {
  return new Date(Date.now() + 30 * 24 * 3600 * 1000);
}
