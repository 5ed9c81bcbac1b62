/**
 * The N+1 fixtures: source files under test/fixtures/nplusone/<language>/ whose expected findings
 * are marked inline with a trailing `expect: n-plus-one` comment on the line of the call.
 * Shared by the unit test (exact comparison) and bench/nplusone.bench.ts (precision/recall).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineStarts, positionAt, type Finding } from '../../../src/core/findings';
import { detectNPlusOne, type NPlusOneEvidence } from '../../../src/core/nplusone';

export const FIXTURE_DIR = path.join(__dirname, '..', '..', 'fixtures', 'nplusone');

export interface Fixture {
  /** e.g. typescript/prisma.ts */
  name: string;
  file: string;
  text: string;
  /** 1-based lines marked `expect: n-plus-one`. */
  expected: number[];
}

export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const lang of fs.readdirSync(FIXTURE_DIR).sort()) {
    const dir = path.join(FIXTURE_DIR, lang);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8');
      const expected: number[] = [];
      text.split(/\r?\n/).forEach((line, i) => {
        if (/expect:\s*n-plus-one\b/.test(line)) expected.push(i + 1);
      });
      out.push({ name: `${lang}/${f}`, file, text, expected });
    }
  }
  return out;
}

/** 1-based lines of the findings (start of each span), sorted, unique. */
export function findingLines(text: string, findings: Finding[]): number[] {
  const starts = lineStarts(text);
  return [...new Set(findings.map((f) => positionAt(starts, f.span.start).line + 1))].sort((a, b) => a - b);
}

/** Each N+1 finding in `text` (as file `file`), in the detector's order, with its 1-based line and its evidence. */
export async function detectWithLines(text: string, file: string): Promise<{ line: number; finding: Finding; evidence: NPlusOneEvidence }[]> {
  const starts = lineStarts(text);
  return (await detectNPlusOne(text, file, file)).map((finding) => ({ line: positionAt(starts, finding.span.start).line + 1, finding, evidence: finding.evidence as unknown as NPlusOneEvidence }));
}
