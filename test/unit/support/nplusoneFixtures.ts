/**
 * The N+1 fixtures: source files under test/fixtures/nplusone/<language>/ whose expected findings
 * are marked inline with a trailing `expect: n-plus-one` comment on the line of the call.
 * Shared by the unit test (exact comparison) and bench/nplusone.bench.ts (precision/recall).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineStarts, positionAt, type Finding } from '../../../src/core/findings';
import { detectNPlusOne, type NPlusOneEvidence } from '../../../src/core/nplusone';
import { nPlusOneAnalyzer } from '../../../src/core/nplusone/analyzer';
import { scanFiles } from '../../../src/core/scan';
import { textOf, type Code } from './code';

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

/**
 * Asserts that N+1 detection in `code`, read as the file `file`, reports exactly at `lines` (1-based, in
 * the detector's order; [] for none). The shape of most N+1 kind tests: one helper, so that each case
 * states only its code, its file and its lines.
 */
export async function expectNPlusOne(code: Code, file: string, lines: number[], message?: string): Promise<void> {
  assert.deepEqual((await detectWithLines(textOf(code), file)).map((x) => x.line), lines, message);
}

/** A file of a scan: its path in the project and its code. */
export interface ScanFile { path: string; text: Code }

/**
 * The N+1 findings of a scan of these files, as `pg-lens scan` and Scan Workspace run it (each file sees
 * the others' functions), each with its 1-based line.
 */
export async function scanNPlusOne(files: readonly ScanFile[], keepText = true): Promise<(Finding & { line: number })[]> {
  const texts = new Map(files.map((f) => [f.path, textOf(f.text)]));
  const r = await scanFiles([...texts].map(([p, text]) => ({ path: p, text })), { analyzers: [nPlusOneAnalyzer()], keepText });
  return r.findings.map((f) => ({ ...f, line: texts.get(f.file!)!.slice(0, f.span.start).split('\n').length }));
}

/** Asserts that a scan of `files` reports N+1s exactly at `expected`, each "file:line", in sorted order. */
/** A scan's findings as sorted `file:line severity` lines (N1_DEBUG=1 prints their messages): the kinds tests' view. */
export async function scanLines(files: readonly ScanFile[]): Promise<string[]> {
  return (await scanNPlusOne(files)).map((f) => {
    if (process.env.N1_DEBUG) console.log(f.message);
    return `${f.file}:${f.line} ${f.severity}`;
  }).sort();
}

/** scanLines at warning or error only. */
export async function scanWarnings(files: readonly ScanFile[]): Promise<string[]> {
  return (await scanLines(files)).filter((l) => / (warning|error)$/.test(l));
}

export async function expectNPlusOneInScan(files: readonly ScanFile[], expected: string[], message?: string): Promise<void> {
  assert.deepEqual((await scanNPlusOne(files)).map((x) => `${x.file}:${x.line}`).sort(), expected, message);
}

/** A repository method that queries, called from another file (cross-file N+1 fixtures). */
export const CROSS_FILE_REPO = [
  'from sqlalchemy import select',
  'from sqlalchemy.ext.asyncio import AsyncSession',
  '',
  'class CustomerRepository:',
  '    async def fetch_customer(self, session: AsyncSession, customer_id):',
  '        return await session.scalar(select(Customer).where(Customer.id == customer_id))',
  '',
  '    async def customer_label(self, session, customer_id):',
  '        c = await self.fetch_customer(session, customer_id)',
  '        return c.name',
  '',
  'def render_label(name):',
  '    return name.upper()',
  '',
].join('\n');

/** A loop calling the repository method of CROSS_FILE_REPO once per id. */
export const CROSS_FILE_SERVICE = [
  'from app.repository import CustomerRepository',
  '',
  'repository = CustomerRepository()',
  '',
  'async def labels(session, ids):',
  '    out = []',
  '    for customer_id in ids:',
  '        out.append(await repository.customer_label(session, customer_id))',
  '        out.append(render_label(str(customer_id)))',
  '    return out',
  '',
].join('\n');
