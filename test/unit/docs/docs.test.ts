/**
 * The documentation keeps up with the code: every setting the extension declares is described in
 * docs/configuration.md, every CLI command in docs/cli.md, every page the README links exists, and the
 * walkthrough's media files exist.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/cli/commands/index';
import { ENGINE_ONLY_MODULES, engineSplitProblems, looksMinified, splitStateProblems } from '../../../scripts/checkBundle';

const root = path.join(__dirname, '..', '..', '..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');
const manifest = JSON.parse(read('package.json'));

describe('documentation', () => {
  it('docs/configuration.md describes every pgLens.* setting', () => {
    const doc = read('docs/configuration.md');
    const missing = Object.keys(manifest.contributes.configuration.properties).filter((k) => !doc.includes(`\`${k}\``));
    assert.deepEqual(missing, [], `settings missing from docs/configuration.md: ${missing.join(', ')}`);
  });

  it("a setting a folder keeps for its own files is resource-scoped, so a multi-root window reads the folder's value (person38 L7), and docs/configuration.md says so", () => {
    const props = manifest.contributes.configuration.properties as Record<string, { scope?: string }>;
    assert.equal(props['pgLens.index.trialBuilds'].scope, 'resource', 'a window-scoped setting in a folder\'s .vscode/settings.json is ignored in a multi-root window');
    assert.match(read('docs/configuration.md'), /multi-root[^|]*`pgLens\.index\.trialBuilds`|`pgLens\.index\.trialBuilds`[^\n]*multi-root/);
  });
  it('docs/cli.md describes every CLI command', () => {
    const doc = read('docs/cli.md');
    const missing = COMMANDS.map((c) => c.name).filter((n) => !doc.includes(`### \`${n}\``));
    assert.deepEqual(missing, [], `commands missing from docs/cli.md: ${missing.join(', ')}`);
  });

  it('the README links only pages that exist', () => {
    const links = [...read('README.md').matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]);
    assert.ok(links.length >= 5, 'the README links the docs pages');
    const broken = links.filter((l) => !fs.existsSync(path.join(root, l)) && !(l.endsWith('/') && fs.existsSync(path.join(root, l.slice(0, -1)))));
    // docs/rules/ is filled by the rules as they land; the folder link is allowed before it exists.
    assert.deepEqual(broken.filter((l) => l !== 'docs/rules/'), []);
  });

  it('the walkthrough points at markdown files that exist', () => {
    const steps = manifest.contributes.walkthroughs.flatMap((w: any) => w.steps);
    assert.ok(steps.length >= 2);
    for (const s of steps) assert.ok(fs.existsSync(path.join(root, s.media.markdown)), `${s.id}: ${s.media.markdown} is missing`);
  });
});

describe('checkBundle', () => {
  it('tells a minified bundle from a development one', () => {
    const dev = 'function activate() {\n  const a = 1;\n  return a;\n}\n'.repeat(20) + '//# sourceMappingURL=extension.js.map';
    assert.equal(looksMinified(dev).ok, false);
    const indentedDev = 'function f() {\n  const a = 1;\n  if (a) {\n    return a;\n  }\n}\n'.repeat(50);
    assert.equal(looksMinified(indentedDev).ok, false);
    const min = `var a=1;function b(){return\`SELECT x\n    FROM t\n    WHERE y\`}${'x=1;'.repeat(500)}\n`;
    assert.equal(looksMinified(min).ok, true);
  });

  it('fails when the editor bundle holds a module of the analysis engine (dist/bundle-meta.json)', () => {
    const editor = ['src/extension.ts', 'src/vscode/main.ts', 'src/core/format.ts'];
    const engine = ['src/core/format.ts', ...ENGINE_ONLY_MODULES];
    assert.deepEqual(engineSplitProblems({ 'dist/extension.js': editor, 'dist/engine.js': engine }), []);
    const [leak] = engineSplitProblems({ 'dist/extension.js': [...editor, 'src/core/nplusone/detect.ts', 'src/core/syntax/treeSitter.ts'], 'dist/engine.js': engine });
    assert.match(leak, /dist\/extension\.js holds the analysis engine's src\/core\/syntax\/treeSitter\.ts, src\/core\/nplusone\/detect\.ts/);
    assert.match(engineSplitProblems({ 'dist/extension.js': editor, 'dist/engine.js': engine.filter((m) => m !== 'src/core/scan.ts') })[0], /dist\/engine\.js lacks src\/core\/scan\.ts/);
    assert.equal(engineSplitProblems({ 'dist/extension.js': editor }).length, 1, 'no engine bundle at all');
  });

  it('fails when a module of both bundles holds module-level state not made with oncePerProcess (person50 M-B)', () => {
    const meta = { 'dist/extension.js': ['src/db/ownRuns.ts', 'src/core/format.ts', 'src/vscode/main.ts'], 'dist/engine.js': ['src/db/ownRuns.ts', 'src/core/format.ts', 'src/core/scan.ts'] };
    const texts: Record<string, string> = {
      'src/db/ownRuns.ts': 'const ledgers = new Map<string, OwnRuns>();\nexport function ownRunsOf() {}\n',
      'src/core/format.ts': "const UNITS = new Set(['ms', 's']);\nconst cache = oncePerProcess('x', () => new Map<string, number>());\n",
    };
    const [problem, ...rest] = splitStateProblems(meta, (f) => texts[f] ?? '');
    assert.match(problem, /src\/db\/ownRuns\.ts is in both .* holds ledgers at module level/);
    assert.deepEqual(rest, [], 'a Set of constants and a value made with oncePerProcess are not state split in two');
    texts['src/db/ownRuns.ts'] = "const ledgers = oncePerProcess('ownRuns', () => new Map<string, OwnRuns>());\nlet last: number | undefined;\n";
    assert.match(splitStateProblems(meta, (f) => texts[f] ?? '')[0], /holds last at module level/);
    // The tree as it is: every module both bundles hold (as the last build listed them) passes.
    const built = path.join(root, 'dist', 'bundle-meta.json');
    if (fs.existsSync(built)) assert.deepEqual(splitStateProblems(JSON.parse(fs.readFileSync(built, 'utf8')), read), []);
  });
});
