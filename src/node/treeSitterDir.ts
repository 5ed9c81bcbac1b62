/** Where the tree-sitter WASM files are: dist/wasm next to the bundle, or node_modules when run from source. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configureTreeSitter, treeSitterConfigured } from '../core/syntax/treeSitter';

export function configureTreeSitterForCli(): void {
  if (treeSitterConfigured()) return;
  const candidates = [path.join(__dirname, 'wasm'), path.join(__dirname, '..', 'wasm')];
  try {
    candidates.push(path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'));
  } catch {
    // not installed next to us: the bundle's copy must be there
  }
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'tree-sitter.wasm'))) ?? candidates[0];
  configureTreeSitter(dir);
}
