// Functions of the project used as callable defaults: migrations import them by name (never a copy).

export function newToken(): string {
  return Math.random().toString(36).slice(2, 12);
}

export const newCode = (): string => `c-${Date.now()}`;
