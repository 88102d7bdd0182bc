/** What TF.js accepts as a layer or weight name (tfjs-layers `isValidTensorName`). */
const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/**
 * The TF.js layer name of a flat node. Node ids (`conv1`, `block.conv1_bn`) are valid TF.js names and
 * are used as they are, so a saved TF.js model reads like the graph; anything else is escaped
 * (`_xHH_` per character) so the name stays unique and readable. `/` never appears in a node id, so
 * the compiler uses it for helper layers (`dense1/leaky-relu`).
 */
export function layerNameForNode(id: string): string {
  if (TFJS_NAME.test(id) && !id.includes('/')) return id;
  const escaped = [...id].map((ch) => (/[A-Za-z0-9.-]/.test(ch) ? ch : `_x${ch.codePointAt(0)!.toString(16)}_`)).join('');
  return /^[A-Za-z0-9]/.test(escaped) ? escaped : `n${escaped}`;
}
