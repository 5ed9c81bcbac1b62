/** Point tree-sitter at the grammars in node_modules for unit tests. */
import * as path from 'node:path';
import { configureTreeSitter } from '../../../src/core/syntax/treeSitter';

export function useTreeSitterFromNodeModules(): void {
  configureTreeSitter(path.join(__dirname, '..', '..', '..', 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm'));
}
