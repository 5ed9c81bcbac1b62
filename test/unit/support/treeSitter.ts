/** Point tree-sitter at the grammars in node_modules for tests and benchmarks. */
import * as path from 'node:path';
import { configureTreeSitter } from '../../../src/core/syntax/treeSitter';

export function useTreeSitterFromNodeModules(): void {
  configureTreeSitter(path.join(__dirname, '..', '..', '..', 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm'));
}

/**
 * Mocha root hook (test/.mocharc.unit.json requires this file): every unit test runs with tree-sitter
 * configured, so a test file run alone behaves as in the whole suite.
 */
export const mochaHooks = { beforeAll: useTreeSitterFromNodeModules };
