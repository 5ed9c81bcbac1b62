/**
 * A function planted by a less privileged role is not run by the plan on hover: PostgreSQL folds
 * IMMUTABLE functions while planning, with the rights of whoever asks (the e2e profile is a
 * superuser). The hover names the function and its owner instead of a plan (docs/security.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';

const ROLE = 'pglens_e2e_planter';

export const step: Step = {
  title: 'the plan on hover refuses a statement calling a function planted by a less privileged role, naming it',
  async run({ wb, db, workspace, screenshot, log }) {
    await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE}; END IF; END $$`);
    await db.query(`GRANT CREATE ON SCHEMA public TO ${ROLE}`);
    await db.query(`CREATE OR REPLACE FUNCTION public.planted_lookup() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'`);
    await db.query(`ALTER FUNCTION public.planted_lookup() OWNER TO ${ROLE}`);
    fs.writeFileSync(path.join(workspace, 'src', 'planted.sql'), 'SELECT planted_lookup() AS looked_up;\n');
    await wb.openFile('src/planted.sql');
    const hover = await wb.hover('planted_lookup');
    const refusal = hover.filter({ hasText: /PG Lens did not plan this statement/ });
    await wb.see(refusal, 'a hover saying PG Lens did not plan the statement', 30_000);
    await wb.see(hover.filter({ hasText: `public.planted_lookup() (owned by ${ROLE}` }), `the function and its owner (${ROLE}) named in the hover`);
    if (await hover.filter({ hasText: /Result|Seq Scan|Open plan/ }).count()) throw new Error('the hover shows a plan: the planted function was planned');
    log(`hover: ${((await hover.first().innerText()) ?? '').replace(/\s+/g, ' ').slice(0, 200)}`);
    await screenshot('planted-function');
  },
};
