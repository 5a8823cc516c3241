/** E11000; FerretDB 1.x reports it without keyPattern, so callers must not rely on knowing which index fired. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
