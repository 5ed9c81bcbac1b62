/**
 * N+1 detection accuracy and speed over test/fixtures/nplusone: every finding line is compared
 * with the lines marked `expect: n-plus-one`. Precision = right findings / all findings,
 * recall = right findings / all marked lines. Speed = source lines scanned per second (warm).
 */
import { detectNPlusOne } from '../src/core/nplusone';
import { useTreeSitterFromNodeModules } from '../test/unit/support/treeSitter';
import { findingLines, loadFixtures } from '../test/unit/support/nplusoneFixtures';

interface Tally {
  files: number;
  expected: number;
  found: number;
  truePositives: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);

export async function run(): Promise<Record<string, unknown>> {
  useTreeSitterFromNodeModules();
  const fixtures = loadFixtures();
  const byLanguage = new Map<string, Tally>();
  const total: Tally = { files: 0, expected: 0, found: 0, truePositives: 0 };
  const misses: string[] = [];
  for (const f of fixtures) {
    const lang = f.name.split('/')[0];
    const t = byLanguage.get(lang) ?? { files: 0, expected: 0, found: 0, truePositives: 0 };
    const got = findingLines(f.text, await detectNPlusOne(f.text, f.file, f.file));
    const tp = got.filter((l) => f.expected.includes(l)).length;
    for (const l of got) if (!f.expected.includes(l)) misses.push(`false positive ${f.name}:${l}`);
    for (const l of f.expected) if (!got.includes(l)) misses.push(`missed ${f.name}:${l}`);
    for (const x of [t, total]) {
      x.files++;
      x.expected += f.expected.length;
      x.found += got.length;
      x.truePositives += tp;
    }
    byLanguage.set(lang, t);
  }
  // Speed: all fixtures, several rounds, after the warm-up above (grammars loaded).
  const lines = fixtures.reduce((s, f) => s + f.text.split('\n').length, 0);
  const rounds = 10;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const f of fixtures) await detectNPlusOne(f.text, f.file, f.file);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perLanguage: Record<string, unknown> = {};
  for (const [lang, t] of byLanguage) perLanguage[lang] = { files: t.files, expected: t.expected, found: t.found, precision: ratio(t.truePositives, t.found), recall: ratio(t.truePositives, t.expected) };
  return {
    fixtures: total.files,
    expected: total.expected,
    found: total.found,
    precision: ratio(total.truePositives, total.found),
    recall: ratio(total.truePositives, total.expected),
    perLanguage,
    misses,
    linesScanned: lines * rounds,
    /** Wall clock: depends on what else the machine runs. */
    linesPerSecond: Math.round((lines * rounds) / seconds),
    /** Per second of this process's CPU time: comparable across busy and idle machines. */
    linesPerCpuSecond: Math.round((lines * rounds) / cpuSeconds),
  };
}
