/**
 * The plans of a pev2 checkout (dalibo/pev2, brought outside the repository): its test fixtures
 * (with their expected JSON where there is one), the plans inside its specs, and the example app's
 * samples. Used by score.ts (the reader) and tips.ts (the tips).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Item {
  file: string;
  line: number;
  source: string;
  expect?: Record<string, unknown>;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Template literals holding a plan: `…(cost=…` or `…"Plan"…`, with their line. */
function literals(file: string, text: string): Item[] {
  const out: Item[] = [];
  const re = /`((?:[^`\\]|\\.)*)`/gs;
  for (const m of text.matchAll(re)) {
    const body = m[1].replace(/\\`/g, '`').replace(/\\\\/g, '\\').replace(/\\\$/g, '$');
    if (!/\(cost=|"Plan"|\(actual |never executed|"Node Type"/.test(body) || body.includes('${')) continue;
    out.push({ file, line: text.slice(0, m.index).split('\n').length, source: body });
  }
  return out;
}

export function collect(root: string): Item[] {
  const items: Item[] = [];
  const tests = path.join(root, 'src', 'services', '__tests__');
  for (const f of walk(tests).sort()) {
    const rel = path.relative(root, f);
    if (/(?:-plan|\.plan)$/.test(f)) {
      const exp = f.replace(/-plan$/, '-expect').replace(/\.plan$/, '.expect');
      const expect = exp !== f && fs.existsSync(exp) ? JSON.parse(fs.readFileSync(exp, 'utf8')) : undefined;
      const e = Array.isArray(expect) ? expect[0] : expect;
      // Some fixtures expect derived figures only (no "Plan"): no node-by-node reference then.
      items.push({ file: rel, line: 1, source: fs.readFileSync(f, 'utf8'), expect: e && e.Plan ? e : undefined });
    } else if (f.endsWith('.spec.ts')) {
      items.push(...literals(rel, fs.readFileSync(f, 'utf8')));
    }
  }
  const samples = path.join(root, 'example', 'src', 'samples.ts');
  if (fs.existsSync(samples)) items.push(...literals(path.relative(root, samples), fs.readFileSync(samples, 'utf8')));
  return items;
}

export function nodeLines(source: string): number {
  if (/"Node Type"/.test(source)) return (source.match(/"Node Type"/g) ?? []).length;
  const lines = source.split('\n').filter((l) => /->\s/.test(l)).length;
  // A fragment copied from its first "->" has no root line of its own.
  const first = source.split('\n').find((l) => /\(cost=|\(actual |never executed/.test(l)) ?? '';
  return /^\s*->/.test(first) ? lines : lines + 1;
}

