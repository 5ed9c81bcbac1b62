/**
 * Score `pg-lens record` on apps nobody here wrote (labels.json): each labelled N+1 must be
 * reported at its file and line with its count; nothing else may be reported as an N+1.
 *
 *   PGLENS_RECORD_CORPUS=/work/corpus/record DATABASE_URL=postgres://user:pw@host:port/postgres npx tsx test/realworld/record/score.ts
 *
 * The databases named in labels.json must exist on that server with the apps' data (see each
 * app's own setup; the measurement in docs/recording.md says how they were loaded). Prints JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

interface Label { file: string; line: number; calls?: number; verdict: string; reason: string }
interface App { name: string; dir: string; command: string[]; db: string; nPlusOne: Label[]; notNPlusOne?: Label[] }

const corpus = process.env.PGLENS_RECORD_CORPUS ?? '/work/corpus/record';
const server = new URL(process.env.DATABASE_URL ?? '');
const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const { apps } = JSON.parse(fs.readFileSync(path.join(__dirname, 'labels.json'), 'utf8')) as { apps: App[] };
const only = process.argv[2];
const results = [];
let tp = 0, fp = 0, fn = 0, wrongCount = 0;
for (const app of apps) {
  if (only && !app.name.includes(only)) continue;
  const cwd = path.join(corpus, app.dir);
  if (!fs.existsSync(cwd)) {
    results.push({ app: app.name, skipped: `no checkout at ${cwd}` });
    continue;
  }
  const db = new URL(server.toString());
  db.pathname = `/${app.db}`;
  const env = { ...process.env, PGDATABASE: app.db, PGHOST: server.hostname, PGPORT: server.port, PGUSER: decodeURIComponent(server.username), PGPASSWORD: decodeURIComponent(server.password), POSTGRES_HOST: server.hostname, SEQ_URL: db.toString() };
  const started = Date.now();
  // $DRIVERS: our own traffic scripts for apps that need requests sent (test/realworld/record/drivers).
  const command = app.command.map((a) => a.replace(/^\$DRIVERS\//, `${path.join(__dirname, 'drivers')}/`));
  const r = spawnSync(process.execPath, [cli, 'record', '--format', 'json', '--', ...command], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && !r.stdout.trim().startsWith('{')) {
    results.push({ app: app.name, error: r.stderr.trim().split('\n').slice(-1)[0] });
    continue;
  }
  const out = JSON.parse(r.stdout) as { statements: number; nPlusOne: { file: string; line: number; calls: number }[] };
  const found = out.nPlusOne.map((n) => ({ file: n.file, line: n.line, calls: n.calls }));
  const matched = app.nPlusOne.map((l) => ({ label: l, hit: found.find((f) => f.file === l.file && f.line === l.line) }));
  const extra = found.filter((f) => !app.nPlusOne.some((l) => l.file === f.file && l.line === f.line));
  for (const m of matched) {
    if (!m.hit) fn++;
    else {
      tp++;
      if (m.label.calls !== undefined && m.hit.calls !== m.label.calls) wrongCount++;
    }
  }
  fp += extra.length;
  results.push({
    app: app.name, statements: out.statements, seconds: (Date.now() - started) / 1000,
    reported: found, missed: matched.filter((m) => !m.hit).map((m) => m.label), wrongCount: matched.filter((m) => m.hit && m.label.calls !== undefined && m.hit.calls !== m.label.calls).map((m) => ({ ...m.label, got: m.hit!.calls })), falsePositives: extra,
  });
}
console.log(JSON.stringify({ truePositives: tp, falsePositives: fp, missed: fn, wrongCount, results }, null, 2));
process.exitCode = fp || fn || wrongCount ? 1 : 0;
