/**
 * The layer rules of eslint.config.mjs fire, for static and dynamic imports: each case lints a
 * small text as if it were a file of the layer and expects (or not) a layering error.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-syntax' || m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('lint: layer rules', function () {
  this.timeout(60_000);

  it("fails a dynamic import('vscode') or import('pg') in src/core", async () => {
    assert.equal((await layerErrors('src/core/example.ts', "export async function f() { return import('vscode'); }\n")).length, 1);
    assert.equal((await layerErrors('src/core/example.ts', "export async function f() { return import('pg'); }\n")).length, 1);
    assert.equal((await layerErrors('src/core/example.ts', "export async function f() { return import('../db/database'); }\n")).length, 1);
    assert.equal((await layerErrors('src/core/example.ts', "export async function f() { return import('node:fs'); }\n")).length, 1);
  });

  it('fails a static import of vscode in src/core and of the CLI in src/vscode, dynamic or not', async () => {
    assert.equal((await layerErrors('src/core/example.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "import { runScan } from '../cli/commands/scan';\nexport const x = runScan;\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../cli/commands/scan'); }\n")).length, 1);
    assert.equal((await layerErrors('src/db/example.ts', "export async function f() { return import('vscode'); }\n")).length, 1);
  });

  it('keeps domain types in src/core: core and db may not import the webview protocols', async () => {
    assert.equal((await layerErrors('src/core/plan/example.ts', "import type { ToPlanWebview } from '../../shared/planProtocol';\nexport type X = ToPlanWebview;\n")).length, 1);
    assert.equal((await layerErrors('src/db/example.ts', "import type { ToWebview } from '../shared/dashboardProtocol';\nexport type X = ToWebview;\n")).length, 1);
    assert.deepEqual(await layerErrors('src/shared/example.ts', "import type { LiveStats } from '../core/dashboard/types';\nexport type X = LiveStats;\n"), []);
  });

  it('webviews run in the browser: no db, editor, cli or node layer', async () => {
    assert.equal((await layerErrors('src/webview/example.ts', "import { walkSourceFiles } from '../node/walk';\nexport const w = walkSourceFiles;\n")).length, 1);
    assert.equal((await layerErrors('src/webview/example.ts', "import { connect } from '../db/database';\nexport const c = connect;\n")).length, 1);
    assert.deepEqual(await layerErrors('src/webview/example.ts', "import { formatBytes } from '../core/format';\nexport const f = formatBytes;\n"), []);
  });

  it('lets each layer import what is below it (lazy tree-sitter, pg in db, core from vscode)', async () => {
    assert.deepEqual(await layerErrors('src/core/example.ts', "export async function f() { return import('@vscode/tree-sitter-wasm'); }\n"), []);
    assert.deepEqual(await layerErrors('src/db/example.ts', "export async function f() { return import('pg'); }\n"), []);
    assert.deepEqual(await layerErrors('src/vscode/example.ts', "export async function f() { return [await import('vscode'), await import('../core/cost'), await import('../node/walk')]; }\n"), []);
  });

  it('the editor reaches the analysis engine (dist/engine.js) through loadEngine only, and its types with import type', async () => {
    assert.equal((await layerErrors('src/vscode/example.ts', "import { analyzeFile } from '../core/scan';\nexport const a = analyzeFile;\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../core/scan'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/plans/example.ts', "export async function f() { return import('../../core/nplusone/crossFile'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../engine'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "import { SourceTree } from '../core/syntax/treeSitter';\nexport const t = SourceTree;\n")).length, 1);
    assert.deepEqual(await layerErrors('src/vscode/example.ts', "import type { FileInput } from '../core/scan';\nexport type F = FileInput;\n"), []);
    assert.deepEqual(await layerErrors('src/vscode/plans/example.ts', "import { loadEngine } from '../loadEngine';\nexport const l = loadEngine;\n"), []);
    assert.deepEqual(await layerErrors('src/vscode/loadEngine.ts', "export async function f() { return import('../engine'); }\n"), []);
  });

  it('the health checks and the readers of their facts are the engine\'s too: the editor gets them from loadEngine, their types with import type', async () => {
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../core/health'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../core/health/checks/workload'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../db/health'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "export async function f() { return import('../db/stats'); }\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "import { DEFAULT_THRESHOLDS } from '../core/health/types';\nexport const t = DEFAULT_THRESHOLDS;\n")).length, 1);
    assert.equal((await layerErrors('src/vscode/example.ts', "import { runAction } from '../db/maintenance';\nexport const r = runAction;\n")).length, 1);
    assert.deepEqual(await layerErrors('src/vscode/example.ts', "import type { HealthFinding } from '../core/health/types';\nexport type H = HealthFinding;\n"), []);
    // The editor's own db modules stay where they are (the connection, the EXPLAIN runner).
    assert.deepEqual(await layerErrors('src/vscode/example.ts', "export async function f() { return [await import('../db/database'), await import('../db/explain'), await import('../db/statsX')]; }\n"), []);
  });
});
