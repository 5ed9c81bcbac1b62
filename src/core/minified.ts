/**
 * Minified or bundled code (a theme's `vendor.bundle.min.js`, a build's `index.94b01c79.js`): built
 * from other sources, read by no one, never hand-written SQL or data access. Scanning it finds only
 * noise (jQuery's `.show()` per element read as a database call) and costs most of a scan's time,
 * so the scan leaves such files out and says how many it left.
 *
 * The sign is the text itself, not the name: most of it sits on very long lines. Hand-written code
 * keeps lines short even when one SQL string or a data literal runs long.
 */

/** A line this long is not written by hand. */
const LONG_LINE = 1000;

/** JavaScript is what builds minify; a long SQL file stays in the scan (its limits say what they skip). */
const BUILT_LANGUAGE = /\.(m|c)?jsx?$/i;

/** Is this a JavaScript file with most of its text on lines of a thousand characters or more? */
export function isMinified(file: string, text: string): boolean {
  if (!BUILT_LANGUAGE.test(file)) return false;
  if (text.length < LONG_LINE * 2) return false;
  let long = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start >= LONG_LINE) long += end - start;
    start = end + 1;
  }
  return long * 2 > text.length;
}
