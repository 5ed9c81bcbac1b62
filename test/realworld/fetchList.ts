/**
 * Prints the apps a person must bring onto the machine before scoring, one `owner/name commit` a line
 * (fetching is done by a tool outside this repository; each line is what it needs).
 *
 *   npx tsx test/realworld/fetchList.ts                 # every app with labels
 *   PGLENS_REALWORLD_SPLITS=held-out-n,held-out-f PGLENS_REALWORLD_ONLY=n-plus-one npx tsx test/realworld/fetchList.ts
 *   PGLENS_REALWORLD=/work/corpus/apps npx tsx test/realworld/fetchList.ts --missing   # only those absent or at another commit
 *
 * The same filters as score.ts (PGLENS_REALWORLD_SPLITS, PGLENS_REALWORLD_REPOS, PGLENS_REALWORLD_ONLY) choose the apps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkoutCommit } from './appFindings';
import { loadCorpus, loadLabels, splitOf } from './score';

const list = (v: string | undefined) => (v ? new Set(v.split(',').map((x) => x.trim())) : undefined);
const splits = list(process.env.PGLENS_REALWORLD_SPLITS);
const repos = list(process.env.PGLENS_REALWORLD_REPOS);
const part = process.env.PGLENS_REALWORLD_ONLY;
if (part && part !== 'rules' && part !== 'n-plus-one') {
  process.stderr.write(`fetchList: PGLENS_REALWORLD_ONLY must be rules or n-plus-one, not ${part}\n`);
  process.exit(2);
}
const missing = process.argv.includes('--missing');
const root = process.env.PGLENS_REALWORLD;
if (missing && (!root || !fs.existsSync(root))) {
  process.stderr.write('fetchList: --missing needs PGLENS_REALWORLD, the folder holding the checkouts\n');
  process.exit(2);
}
const labelled = new Set(loadLabels().filter((l) => !part || (part === 'rules') === (l.rule !== 'n-plus-one')).map((l) => l.repo));
for (const app of loadCorpus()) {
  if (!labelled.has(app.repo) || (splits && !splits.has(splitOf(app))) || (repos && !repos.has(app.repo))) continue;
  if (missing && checkoutCommit(path.join(root!, app.repo.replace('/', '+'))) === app.commit) continue;
  process.stdout.write(`${app.repo} ${app.commit}\n`);
}
