/**
 * Score the plan reader on pev2's public plans (dalibo/pev2: its test fixtures, the plans inside its
 * specs, and the example app's samples). Bring pev2 onto the machine outside the repository:
 *
 *   git clone <pev2> /work/corpus/plans/pev2
 *   npx tsx test/realworld/plans/score.ts /work/corpus/plans/pev2 [--parser path/to/parse.ts] [--labels out.json]
 *
 * Each plan gets one verdict:
 *  - read:    parsed, and node by node equal to pev2's expected JSON where the fixture has one
 *             (tree, node types and names, estimates, actual figures, details: compareTrees.ts),
 *             else the tree has as many nodes as the text has node lines;
 *  - refused: a PlanParseError with one line;
 *  - wrong:   parsed, but differs from the expected JSON or misses node lines;
 *  - crash:   any other error.
 * --parser scores another reader (e.g. an older parse.ts) for a before/after count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { firstDifference } from './compareTrees';
import { collect, nodeLines } from './corpus';

/** Disagreements with pev2's expected JSON judged by hand: pev2's expectation is wrong, ours is right. */
const JUDGED: Record<string, string> = {
  'src/services/__tests__/from-text/46-buckets-plan': "judged by hand: pev2's expected JSON drops the Hash node's child (Seq Scan on s1k, printed under it); ours keeps it",
  'src/services/__tests__/from-text/48-memoize-plan': "judged by hand: pev2's expected JSON drops the Memoize node's child (Index Scan using users_pkey, printed under it); ours keeps it",
};

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: score.ts <pev2 checkout> [--parser FILE] [--labels FILE]');
  const pi = process.argv.indexOf('--parser');
  const parserPath = pi > 0 ? path.resolve(process.argv[pi + 1]) : path.join(__dirname, '..', '..', '..', 'src', 'core', 'plan', 'parse.ts');
  const li = process.argv.indexOf('--labels');
  const { parsePlanSource } = await import(parserPath);
  const commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const counts = { read: 0, refused: 0, wrong: 0, crash: 0 };
  const labels: Record<string, unknown>[] = [];
  for (const it of collect(root)) {
    let verdict: keyof typeof counts;
    let reason = '';
    try {
      const top = parsePlanSource(it.source) as Record<string, any>;
      if (it.expect) {
        const d = firstDifference(top, it.expect as Record<string, any>, { sameExecution: true });
        verdict = d && !JUDGED[it.file] ? 'wrong' : 'read';
        reason = d ? (JUDGED[it.file] ?? `differs from pev2's expected JSON: ${d}`) : "equal to pev2's expected JSON";
      } else {
        let n = 0;
        const stack = [top.Plan];
        while (stack.length) {
          const x = stack.pop();
          n++;
          for (const c of x?.Plans ?? []) stack.push(c);
        }
        const want = nodeLines(it.source);
        verdict = n === want ? 'read' : 'wrong';
        reason = n === want ? `${n} nodes, as many as node lines` : `${n} nodes for ${want} node lines`;
      }
    } catch (e) {
      const msg = (e as Error).message;
      if ((e as Error).name === 'PlanParseError' && !msg.includes('\n')) {
        verdict = 'refused';
        reason = msg;
      } else {
        verdict = 'crash';
        reason = msg.split('\n')[0];
      }
    }
    counts[verdict]++;
    labels.push({ repo: 'dalibo/pev2', commit, file: it.file, line: it.line, verdict, reason });
  }
  if (li > 0) fs.writeFileSync(process.argv[li + 1], JSON.stringify(labels, null, 1) + '\n');
  for (const l of labels) if (l.verdict !== 'read') console.log(`${l.verdict}\t${l.file}:${l.line}\t${l.reason}`);
  console.log(JSON.stringify({ plans: labels.length, ...counts }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
