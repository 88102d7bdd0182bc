/**
 * The seed of one weight's initialiser, from the run's seed and the node's id (and the weight's role),
 * so that adding or removing a node leaves every other node's initial weights unchanged. Null run seed:
 * undefined (TF.js draws unseeded).
 */
export function weightSeed(runSeed: number | null | undefined, nodeId: string, role: string): number | undefined {
  if (runSeed === null || runSeed === undefined) return undefined;
  return fnv1a(`${runSeed}/${nodeId}/${role}`);
}

/** 32-bit FNV-1a: small, stable across platforms and versions, well spread for short strings. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
