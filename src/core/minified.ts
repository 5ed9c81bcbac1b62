/**
 * Minified or bundled code (a theme's `vendor.bundle.min.js`, a build's `index.94b01c79.js`): built
 * from other sources, read by no one, never hand-written SQL or data access. Scanning it finds only
 * noise (jQuery's `.show()` per element read as a database call) and costs most of a scan's time,
 * so the scan leaves such files out and says how many it left.
 *
 * The sign is the text itself, not the name: most of it sits on very long lines. Hand-written code
 * keeps lines short even when one SQL string or a data literal runs long. A bundle reformatted with short
 * lines (perf20: Traduora's docs-website/static/js/swagger-ui-bundle.js, 1.8 MB run through Prettier —
 * minutes of the workspace read) still ends with its build's `//# sourceMappingURL=` comment: only a
 * tool writes that line, for the sources it was built from.
 */

/** A line this long is not written by hand. */
const LONG_LINE = 1000;

/** JavaScript is what builds minify; a long SQL file stays in the scan (its limits say what they skip). */
const BUILT_LANGUAGE = /\.(m|c)?jsx?$/i;

/** The last line a build tool writes: the source map of the code it was built from (a file's name or inline data). */
const BUILT_WITH_MAP = /^\/\/[#@] sourceMappingURL=[^\s'"]+$/;

/**
 * Is this a JavaScript file with most of its text on lines of a thousand characters or more, or one a build wrote
 * (ending with a source map comment)?
 */
export function isMinified(file: string, text: string): boolean {
  if (!BUILT_LANGUAGE.test(file)) return false;
  if (BUILT_WITH_MAP.test(lastLine(text))) return true;
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

function lastLine(text: string): string {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return text.slice(text.lastIndexOf('\n', end - 1) + 1, end).trim();
}
