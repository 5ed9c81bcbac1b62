/**
 * Through VS Code's own diagnostics API: opening the workspace's file with a query inside a loop
 * yields an n-plus-one diagnostic (source PG Lens) on that call. With the example shop, the lines
 * come from its map (planted.json); with the fixture workspace, from the fixture.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface Site { id: string; file: string; line: number; loopLine?: number; finding?: string }

async function expectation(root: vscode.Uri): Promise<{ file: string; lines: [number, number] }> {
  try {
    const planted = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'planted.json')))) as { sites: Site[] };
    const s = planted.sites.find((x) => x.id === 'items-per-order');
    assert.ok(s, 'planted.json has no items-per-order site');
    return { file: s.file, lines: [(s.loopLine ?? s.line - 2) + 1, s.line] };
  } catch (e) {
    if ((e as any)?.code !== 'FileNotFound' && !/ENOENT|nonexistent|not found/i.test(String((e as Error).message))) throw e;
    return { file: 'src/orders.ts', lines: [12, 12] };
  }
}

describe('n-plus-one in the extension host', () => {
  it('reports the query call inside the loop', async () => {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(root, 'no workspace folder open');
    const want = await expectation(root);
    const uri = vscode.Uri.joinPath(root, want.file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const deadline = Date.now() + 45_000;
    let found: vscode.Diagnostic[] = [];
    while (Date.now() < deadline) {
      found = vscode.languages.getDiagnostics(uri).filter((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'n-plus-one');
      if (found.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(found.length, `no n-plus-one diagnostic on ${want.file} within 45 s`);
    const line = found[0].range.start.line + 1;
    assert.ok(line >= want.lines[0] && line <= want.lines[1], `n-plus-one diagnostic at line ${line}, expected lines ${want.lines[0]}–${want.lines[1]} (the call in the loop)`);
    assert.equal(found[0].source, 'PG Lens');
  });
});
