/**
 * A short stable hash of a text (FNV-1a, 32 bit, 8 hex digits): for names and fingerprints that must
 * stay the same across runs and machines (a suggested index's name, a SARIF result's fingerprint).
 * Not for anything security-related.
 */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
