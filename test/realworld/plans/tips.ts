/**
 * Tip #1 (and the top three) on real plans: pev2's public plans (see corpus.ts) and the project's
 * own captures (test/fixtures/plans), for judging by hand against test/realworld/plans/tips-labels.json.
 *
 *   npx tsx test/realworld/plans/tips.ts /work/corpus/plans/pev2 [--src path/to/src] [--out tips.json]
 *
 * --src reads the plans with another checkout's src/core/plan (e.g. `git archive <commit> src`), for a
 * before/after. Each analysed plan with a tip is listed with its first tip's kind and text; a label
 * whose tip #1 text still matches keeps its verdict, so a change of tip #1 shows as unlabelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collect } from './corpus';

const ROOT = path.join(__dirname, '..', '..', '..');

export interface TipRow {
  file: string;
  line: number;
  tips: { kind: string; text: string; saving: number }[];
}

function fixtures(): { file: string; line: number; source: string }[] {
  const out: { file: string; line: number; source: string }[] = [];
  const dir = path.join(ROOT, 'test', 'fixtures', 'plans');
  for (const v of fs.readdirSync(dir).filter((d) => /^pg\d+$/.test(d))) {
    for (const f of fs.readdirSync(path.join(dir, v)).filter((x) => /\.json$/.test(x) && x !== 'manifest.json')) out.push({ file: `test/fixtures/plans/${v}/${f}`, line: 1, source: fs.readFileSync(path.join(dir, v, f), 'utf8') });
  }
  const psql = path.join(dir, 'psql');
  for (const v of fs.readdirSync(psql).filter((d) => /^pg\d+$/.test(d))) {
    for (const c of fs.readdirSync(path.join(psql, v)).filter((d) => fs.statSync(path.join(psql, v, d)).isDirectory())) out.push({ file: `test/fixtures/plans/psql/${v}/${c}/plan.json`, line: 1, source: fs.readFileSync(path.join(psql, v, c, 'plan.json'), 'utf8') });
  }
  return out;
}

async function main(): Promise<void> {
  const corpus = process.argv[2];
  if (!corpus) throw new Error('usage: tips.ts <pev2 checkout> [--src DIR] [--out FILE]');
  const si = process.argv.indexOf('--src');
  const src = si > 0 ? path.resolve(process.argv[si + 1]) : path.join(ROOT, 'src');
  const oi = process.argv.indexOf('--out');
  const { analyzePlan } = await import(path.join(src, 'core', 'plan', 'index.ts'));
  const rows: TipRow[] = [];
  const items = [...collect(corpus).map((i) => ({ file: `pev2:${i.file}`, line: i.line, source: i.source })), ...fixtures()];
  let analysed = 0;
  for (const it of items) {
    let p;
    try {
      p = analyzePlan(it.source);
    } catch {
      continue;
    }
    if (!p.analyzed) continue;
    analysed++;
    if (!p.tips.length) continue;
    rows.push({ file: it.file, line: it.line, tips: p.tips.slice(0, 3).map((t: { kind: string; text: string; saving: number }) => ({ kind: t.kind, text: t.text, saving: Math.round(t.saving * 1000) / 1000 })) });
  }
  if (oi > 0) fs.writeFileSync(process.argv[oi + 1], JSON.stringify(rows, null, 1) + '\n');
  const byKind: Record<string, number> = {};
  for (const r of rows) byKind[r.tips[0].kind] = (byKind[r.tips[0].kind] ?? 0) + 1;
  console.log(JSON.stringify({ plans: items.length, analysed, withTips: rows.length, firstTipKinds: byKind }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
