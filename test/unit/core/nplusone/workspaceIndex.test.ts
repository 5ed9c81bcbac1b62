/**
 * An open file after Scan Workspace (issue 20 item 4, person9 P23): the scan found cross-file N+1s (a loop calling a
 * method of another file that queries); opening the file dropped them (Problems 20 → 19 on listmonk's campaigns.go),
 * because the file's live analysis could not see the callee in the other file and replaced the scan's result. Here, at
 * the pipeline level the editor uses (core/scan's scanFiles for the scan, analyzeFile for an open or reopened file, the
 * same codeAnalyzers): the open file is judged against the scan's cross-file index — the scan's findings once, the
 * same ones while its text is unchanged, found again after an edit, gone when the loop goes.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, scanFiles } from '../../../../src/core/scan';
import { codeAnalyzers } from '../../../../src/core/analyzers';
import { CrossFileCalls } from '../../../../src/core/nplusone/crossFile';
import { crossFileReadText, indexWorkspace, reindexFile } from '../../../../src/core/nplusone/analyzer';
import type { Finding } from '../../../../src/core/findings';

const fixture = path.join(__dirname, '..', '..', '..', 'fixtures', 'go-cross-file');
// As an app's files (a file under test/ defines nothing application code calls).
const GO = {
  store: { path: 'internal/app/store.go', text: fs.readFileSync(path.join(fixture, 'store.go'), 'utf8') },
  campaigns: { path: 'internal/app/campaigns.go', text: fs.readFileSync(path.join(fixture, 'campaigns.go'), 'utf8') },
};
const TS = {
  repo: { path: 'src/repositories/customerRepository.ts', text: "import { pool } from '../db';\nexport async function customerLabel(id: number): Promise<string> {\n  const { rows } = await pool.query('SELECT name FROM customers WHERE id = $1', [id]);\n  return rows[0]?.name ?? '';\n}\n" },
  service: { path: 'src/services/report.ts', text: "import { customerLabel } from '../repositories/customerRepository';\nexport async function labels(ids: number[]): Promise<string[]> {\n  const out: string[] = [];\n  for (const id of ids) {\n    out.push(await customerLabel(id));\n  }\n  return out;\n}\n" },
};

const nPlusOne = (fs: readonly Finding[], file: string) => fs.filter((f) => f.ruleId === 'n-plus-one' && f.file === file).map((f) => ({ start: f.span.start, message: f.message, severity: f.severity }));

async function scanned(files: { path: string; text: string }[]) {
  const index = new CrossFileCalls();
  const r = await scanFiles(files, { analyzers: codeAnalyzers({ workspace: { index, live: false } }) });
  return { index, findings: r.findings };
}

/** What the editor's live run of one file gives (an open document, or a file closed after the scan). */
async function live(file: { path: string; text: string }, index?: CrossFileCalls) {
  const r = await analyzeFile({ path: file.path, text: file.text, editing: true }, { analyzers: codeAnalyzers({ workspace: index ? { index, live: true } : undefined }) });
  return r.findings;
}

describe('core/nplusone: an open file keeps the cross-file N+1s the workspace scan found (the scan\'s index, one pipeline)', () => {
  for (const [lang, files, caller] of [['Go', [GO.store, GO.campaigns], GO.campaigns], ['TypeScript', [TS.repo, TS.service], TS.service]] as const) {
    it(`${lang}: the scan's cross-file finding once when the file opens unchanged, again after an edit, gone with the loop`, async () => {
      const scan = await scanned([...files]);
      const want = nPlusOne(scan.findings, caller.path);
      assert.equal(want.length, 1, `the scan finds the cross-file N+1 in ${caller.path}: ${JSON.stringify(scan.findings.map((f) => f.message))}`);
      assert.match(want[0].message, /reaches the database/);
      // Without the scan's index (before): the open file's own analysis does not see the callee.
      assert.deepEqual(nPlusOne(await live(caller), caller.path), [], 'the kind person9 saw: no callee, no finding');
      // Opened unchanged: the same finding, once.
      assert.deepEqual(nPlusOne(await live(caller, scan.index), caller.path), want);
      // Opened again (a second run of the same text): still once, not added up.
      assert.deepEqual(nPlusOne(await live(caller, scan.index), caller.path), want);
      // Edited (a line above the loop): found again, where the call now is.
      const added = '// a note\n';
      const at = caller.text.indexOf('\n') + 1;
      const edited = { path: caller.path, text: caller.text.slice(0, at) + added + caller.text.slice(at) };
      const after = nPlusOne(await live(edited, scan.index), caller.path);
      assert.deepEqual(after, want.map((w) => ({ ...w, start: w.start + added.length })));
      // The loop gone: the finding goes.
      const once = { path: caller.path, text: caller.text.replace('for _, id := range ids {', 'if len(ids) > 0 {\n\t\tid := ids[0]').replace('for (const id of ids) {', 'if (ids.length > 0) {\n    const id = ids[0];') };
      assert.notEqual(once.text, caller.text);
      assert.deepEqual(nPlusOne(await live(once, scan.index), caller.path), [], once.text);
      // The other files' findings are untouched by the open file's runs (the callee's file still defines the method).
      const callee = files.find((f) => f !== caller)!;
      assert.deepEqual(nPlusOne(await live(callee, scan.index), callee.path), nPlusOne(scan.findings, callee.path));
      // Back to the saved text (closed again): the scan's finding.
      assert.deepEqual(nPlusOne(await live(caller, scan.index), caller.path), want);
    });
  }

  it('the callee\'s file edited: its new definition is what the open caller is judged against', async () => {
    const scan = await scanned([GO.store, GO.campaigns]);
    // The store's method no longer queries (a cached map): the caller's loop is not an N+1 any more.
    const cached = { path: GO.store.path, text: GO.store.text.replace(/\tvar name string\n[\s\S]*?return name, err\n/, '\treturn names[id], nil\n') };
    await live(cached, scan.index);
    assert.deepEqual(nPlusOne(await live(GO.campaigns, scan.index), GO.campaigns.path), []);
    await live(GO.store, scan.index);
    assert.equal(nPlusOne(await live(GO.campaigns, scan.index), GO.campaigns.path).length, 1);
  });
});

// Unleash's shape (person10 N24, N19): a service's loop calls its own method, which reaches the database through a store
// in another file; another service (a closed file) calls a method of the first in a loop.
const KNEX = {
  store: { path: 'src/lib/features/dependent-features/dependent-features-store.ts', text: "import type { Db } from '../../db/db';\nexport class DependentFeaturesStore {\n  constructor(private db: Db) {}\n  async upsert(featureDependency: { child: string; parent: string }): Promise<void> {\n    await this.db('dependent_features').insert(featureDependency).onConflict(['child', 'parent']).merge();\n  }\n}\n" },
  service: { path: 'src/lib/features/dependent-features/dependent-features-service.ts', text: "import type { DependentFeaturesStore } from './dependent-features-store';\nexport class DependentFeaturesService {\n  constructor(private dependentFeaturesStore: DependentFeaturesStore) {}\n  async cloneDependencies(parents: string[], child: string): Promise<void> {\n    await Promise.all(parents.map((parent) => this.unprotectedUpsertFeatureDependency(child, parent)));\n  }\n  async unprotectedUpsertFeatureDependency(child: string, parent: string): Promise<void> {\n    await this.dependentFeaturesStore.upsertDependency(child, parent);\n  }\n  async upsertDependency(child: string, parent: string): Promise<void> {\n    await this.dependentFeaturesStore.upsert({ child, parent });\n  }\n}\n" },
  other: { path: 'src/lib/features/feature-toggle/feature-toggle-service.ts', text: "import type { DependentFeaturesService } from '../dependent-features/dependent-features-service';\nexport class FeatureToggleService {\n  constructor(private dependentFeaturesService: DependentFeaturesService) {}\n  async cloneAll(children: string[], parent: string): Promise<void> {\n    for (const child of children) {\n      await this.dependentFeaturesService.upsertDependency(child, parent);\n    }\n  }\n}\n" },
};
KNEX.service.text = KNEX.service.text.replace('this.dependentFeaturesStore.upsertDependency(child, parent)', 'this.upsertDependency(child, parent)');

describe('core/nplusone: an open file before any scan is judged against the workspace index built in the background (person10 N24)', () => {
  for (const [lang, files, caller] of [['Go', [GO.store, GO.campaigns], GO.campaigns], ['TypeScript (knex, Unleash\'s shape)', [KNEX.store, KNEX.service, KNEX.other], KNEX.service]] as const) {
    it(`${lang}: the open file's cross-file N+1 is the scan's, found without a scan`, async () => {
      const scan = await scanned([...files]);
      const want = nPlusOne(scan.findings, caller.path);
      assert.equal(want.length, 1, JSON.stringify(scan.findings.map((f) => f.message)));
      // Before: the open file alone (no scan yet) showed nothing.
      assert.deepEqual(nPlusOne(await live(caller), caller.path), []);
      // The editor's background index: the same files, read as the scan reads them, no findings of its own.
      const index = new CrossFileCalls();
      const built = await indexWorkspace([...files], index);
      assert.deepEqual(built, { files: files.length, cancelled: false });
      assert.deepEqual(nPlusOne(await live(caller, index), caller.path), want);
      // Edited: followed (the index holds the open file's current facts).
      const gone = { path: caller.path, text: caller.text.replace('parents.map((parent) =>', '[parents[0]].map((parent) =>').replace('for _, id := range ids {', 'if len(ids) > 0 {\n\t\tid := ids[0]') };
      assert.notEqual(gone.text, caller.text);
      assert.deepEqual(nPlusOne(await live(gone, index), caller.path), []);
      assert.deepEqual(nPlusOne(await live(caller, index), caller.path), want);
    });
  }

  it('a file created, changed or deleted on disk while not open: the index follows it (reindexFile), the open caller with it', async () => {
    const index = new CrossFileCalls();
    // Built before the store existed.
    await indexWorkspace([KNEX.service, KNEX.other], index);
    assert.deepEqual(nPlusOne(await live(KNEX.service, index), KNEX.service.path), []);
    // Created on disk.
    assert.equal(await reindexFile(index, KNEX.store.path, KNEX.store.text), true);
    assert.equal(nPlusOne(await live(KNEX.service, index), KNEX.service.path).length, 1);
    // Changed on disk: the store no longer queries.
    await reindexFile(index, KNEX.store.path, KNEX.store.text.replace(/await this\.db\('dependent_features'\)[^;]*;/, 'this.cache.push(featureDependency);'));
    assert.deepEqual(nPlusOne(await live(KNEX.service, index), KNEX.service.path), []);
    await reindexFile(index, KNEX.store.path, KNEX.store.text);
    assert.equal(nPlusOne(await live(KNEX.service, index), KNEX.service.path).length, 1);
    // Deleted.
    await reindexFile(index, KNEX.store.path, undefined);
    assert.deepEqual(nPlusOne(await live(KNEX.service, index), KNEX.service.path), []);
    // Not a file the index reads.
    assert.equal(await reindexFile(index, 'README.md', '# x'), false);
  });

  it('while it reads, the count so far (of the walk\'s total) and a tooltip that the cross-file findings are pending (person11 Q7)', async () => {
    const index = new CrossFileCalls();
    const read: number[] = [];
    const files = [KNEX.store, KNEX.service, KNEX.other];
    // Before the index: the open caller has no cross-file finding — what the status item says is pending.
    assert.deepEqual(nPlusOne(await live(KNEX.service, index), KNEX.service.path), []);
    await indexWorkspace(files, index, { onFile: (n) => read.push(n) });
    assert.deepEqual(read, [1, 2, 3]);
    assert.equal(nPlusOne(await live(KNEX.service, index), KNEX.service.path).length, 1, 'found once the read ended');
    const during = crossFileReadText(2, 6024);
    assert.equal(during.status, 'PG Lens: reading the workspace for cross-file N+1s (2 of 6024 files)');
    assert.match(during.tooltip, /pending until the read ends/);
    assert.match(crossFileReadText(7, undefined).status, /\(7 files\)$/);
  });

  it('a cancelled build says so (the editor then waits for the next analysis or a scan)', async () => {
    const index = new CrossFileCalls();
    assert.deepEqual(await indexWorkspace([KNEX.store, KNEX.service], index, { isCancelled: () => true }), { files: 0, cancelled: true });
  });
});

describe('core/nplusone: a scan gives the same findings whichever file is open (person10 N19)', () => {
  const files = [KNEX.store, KNEX.service, KNEX.other];
  it('closed files\' findings from the scan plus the open file\'s live run = the scan with nothing open, for each file open', async () => {
    const all = await scanned(files);
    const everything = (fs: readonly Finding[]) => fs.filter((f) => f.ruleId === 'n-plus-one').map((f) => `${f.file}:${f.span.start}:${f.message}`).sort();
    // Both services' loops: the caller in the open file and the closed file whose chain runs through it.
    assert.equal(everything(all.findings).length, 2, JSON.stringify(everything(all.findings)));
    for (const open of files) {
      // The scan reads the open document's current text (here: unchanged) into the index; its findings are the live run's.
      const scan = await scanned(files);
      const shown = [...scan.findings.filter((f) => f.file !== open.path), ...(await live(open, scan.index))];
      assert.deepEqual(everything(shown), everything(all.findings), `${open.path} open`);
    }
  });
});
