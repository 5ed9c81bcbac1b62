/**
 * mulberry32: a tiny seeded PRNG, so a run repeats from its seed. The shop's traffic uses it to send
 * the same requests every run; the extraction fuzz test uses it so a failure reproduces from its seed.
 * Self-contained (no imports), like the rest of the shop.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
