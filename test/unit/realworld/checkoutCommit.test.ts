import { strict as assert } from 'node:assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkoutCommit } from '../../realworld/appFindings';

// The scorer's `--missing` list and its commit check read a checkout's commit without running git. A corpus app checked
// out as a git worktree (`git worktree add`, as the helpers' brief says) has a `.git` FILE pointing at its git
// directory: it was reported missing (rules29).
describe('realworld checkoutCommit', () => {
  let tmp: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-checkout-'));
    fs.mkdirSync(path.join(tmp, 'repo'));
    git(path.join(tmp, 'repo'), 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(tmp, 'repo', 'a.txt'), 'a');
    git(path.join(tmp, 'repo'), 'add', 'a.txt');
    git(path.join(tmp, 'repo'), 'commit', '-q', '-m', 'one');
    git(path.join(tmp, 'repo'), 'pack-refs', '--all');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads a plain checkout, a worktree on a branch and a detached worktree', () => {
    const head = git(path.join(tmp, 'repo'), 'rev-parse', 'HEAD');
    assert.strictEqual(checkoutCommit(path.join(tmp, 'repo')), head);
    git(path.join(tmp, 'repo'), 'worktree', 'add', '-q', '-b', 'side', path.join(tmp, 'wt-branch'));
    assert.strictEqual(checkoutCommit(path.join(tmp, 'wt-branch')), head);
    git(path.join(tmp, 'repo'), 'worktree', 'add', '-q', '--detach', path.join(tmp, 'wt-detached'), head);
    assert.strictEqual(checkoutCommit(path.join(tmp, 'wt-detached')), head);
    assert.strictEqual(checkoutCommit(path.join(tmp, 'nowhere')), undefined);
  });
});
