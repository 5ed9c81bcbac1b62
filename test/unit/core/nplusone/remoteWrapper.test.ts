/**
 * The app's own wrapper around another service, in another file (issue 14, n1-20): a loop whose iteration first calls
 * `checkDomain(slug)` — defined in lib/, where it calls `fetch` — and then updates the row is per item by design, as
 * when `fetch` is written in the loop itself (heldOutVKinds). Learned from the wrapper's body, not its name. A synthetic
 * fixture in the idiom of a Next.js cron route on Prisma, not copied from an app.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';

const scanLines = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => `${f.file}:${f.line} ${f.context} ${f.severity}`).sort();
const scanMessages = async (files: readonly ScanFile[]) => (await scanNPlusOne(files)).map((f) => f.message);

const route = (perItem: string[]): ScanFile => ({
  path: 'app/api/cron/domains/route.ts',
  text: [
    "import prisma from '@/lib/prisma';",
    "import { checkDomain, domainLabel } from '@/lib/domains';",
    '',
    'export async function GET() {',
    '  const domains = await prisma.domain.findMany({ where: { verified: false } });',
    '  for (const domain of domains) {',
    ...perItem,
    '  }',
    '  return Response.json({ ok: true });',
    '}',
    '',
  ],
});

const lib = (body: string[]): ScanFile => ({
  path: 'lib/domains.ts',
  text: [
    'export const checkDomain = async (slug: string) => {',
    ...body,
    '};',
    '',
    'export function domainLabel(slug: string) {',
    '  return slug.toLowerCase();',
    '}',
    '',
  ],
});

const REMOTE = ['  const res = await fetch(`https://api.example.com/v9/domains/${slug}`);', '  return res.json();'];

describe('N+1 after the app\'s own wrapper around another service (another file)', () => {
  it('a write after `checkDomain`, whose body calls `fetch`: info "possible", naming the wrapper and its call', async () => {
    const files = [route(['    const answer = await checkDomain(domain.slug);', '    await prisma.domain.update({ where: { id: domain.id }, data: { verified: answer.verified } });']), lib(REMOTE)];
    assert.deepEqual(await scanLines(files), ['app/api/cron/domains/route.ts:8 job info']);
    const [message] = await scanMessages(files);
    assert.match(message, /^Possible N\+1, each item first goes to another service \(`checkDomain` → `fetch`\)/);
  });

  it('a call to the app\'s function that queries (in a third file) after `checkDomain`: info too', async () => {
    const updates: ScanFile = { path: 'lib/domain-updates.ts', text: ["import prisma from '@/lib/prisma';", '', 'export async function recordDomainCheck(slug: string, verified: boolean) {', '  await prisma.domainLog.create({ data: { slug, verified } });', '}', ''] };
    const withUpdates = (first: string[]) => [route([...first, '    await recordDomainCheck(domain.slug, true);']), lib(REMOTE), updates];
    assert.deepEqual(await scanLines(withUpdates(['    await checkDomain(domain.slug);'])), ['app/api/cron/domains/route.ts:8 job info']);
    assert.deepEqual(await scanLines(withUpdates(['    domainLabel(domain.slug);'])), ['app/api/cron/domains/route.ts:8 job warning']);
  });

  it('a wrapper that does not call another service (its body is local work) leaves the warning', async () => {
    const files = [route(['    const label = domainLabel(domain.slug);', '    await prisma.domain.update({ where: { id: domain.id }, data: { label } });']), lib(REMOTE)];
    assert.deepEqual(await scanLines(files), ['app/api/cron/domains/route.ts:8 job warning']);
  });

  it('the wrapper called after the query (the query does not wait on it) leaves the warning', async () => {
    const files = [route(['    await prisma.domain.update({ where: { id: domain.id }, data: { checking: true } });', '    await checkDomain(domain.slug);']), lib(REMOTE)];
    assert.deepEqual(await scanLines(files), ['app/api/cron/domains/route.ts:7 job warning']);
  });

  it('the wrapper only defined in a callback of the loop body does not count', async () => {
    const files = [route(['    const later = () => checkDomain(domain.slug);', '    await prisma.domain.update({ where: { id: domain.id }, data: { later: String(later) } });']), lib(REMOTE)];
    assert.deepEqual(await scanLines(files), ['app/api/cron/domains/route.ts:8 job warning']);
  });
});
