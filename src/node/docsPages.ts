/**
 * The docs pages beside the CLI: docs/ at the package root (dist/cli.js → ../docs; src/node when run from
 * source → ../../docs). What the CLI prints and puts into SARIF comes from here; core/docs.ts names the pages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

function packageRoot(): string | undefined {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'docs', 'rules')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** The text of a page (`docs/rules/<id>.md`), or undefined when this installation has no docs folder. */
export function readDocsPage(docsPath: string): string | undefined {
  const root = packageRoot();
  if (!root) return undefined;
  try {
    return fs.readFileSync(path.join(root, docsPath), 'utf8');
  } catch {
    return undefined;
  }
}

/** Where a page is on this machine (absolute), or the path relative to the PG Lens package when it is not here. */
export function docsPageLocation(docsPath: string): string {
  const root = packageRoot();
  return root && fs.existsSync(path.join(root, docsPath)) ? path.join(root, docsPath) : `${docsPath} (in the PG Lens package)`;
}

/** A file:// URL of the page on this machine, when this installation has it (the CLI's reports link it). */
export function docsPageUrl(docsPath: string): string | undefined {
  const root = packageRoot();
  return root && fs.existsSync(path.join(root, docsPath)) ? pathToFileURL(path.join(root, docsPath)).href : undefined;
}
