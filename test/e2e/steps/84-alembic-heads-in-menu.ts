/**
 * A project whose Alembic history has several heads (person28 L6, the rest ui29 left): the quick-fix menu said "Add
 * migration", and only after the click "no migration file written: the Alembic history has 2 heads". The heads are now
 * counted when the tool is detected, and the menu says it. An Alembic script folder with two heads is written into the
 * shop (env.py beside versions/, two revisions off one base); the refunds read's quick-fix menu must offer "Save CREATE
 * INDEX as .sql… (2 Alembic heads)" and no "Add migration". The folder is removed at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Step } from '../lib/types';
import { StepFailure } from '../lib/workbench';

const FILE = 'src/orders.ts';
const FOLDER = 'alembic';
const REVISIONS: Record<string, string> = {
  'versions/a_base.py': 'revision = "aaa111"\ndown_revision = None\n',
  'versions/b_left.py': 'revision = "bbb222"\ndown_revision = "aaa111"\n',
  'versions/c_right.py': 'revision = "ccc333"\ndown_revision = "aaa111"\n',
};

export const step: Step = {
  title: 'an Alembic history with two heads: the missing-index menu says "Save CREATE INDEX as .sql… (2 Alembic heads)", not "Add migration"',
  async run({ wb, workspace, screenshot, log }) {
    const dir = path.join(workspace, FOLDER);
    fs.mkdirSync(path.join(dir, 'versions'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'env.py'), 'from alembic import context\n');
    for (const [f, text] of Object.entries(REVISIONS)) fs.writeFileSync(path.join(dir, f), text);
    try {
      await wb.freshEditor(FILE);
      const row = await wb.problemRow('status', /orders \(status/, 'the missing-index problem of the refunds read (orders (status))', 180_000, 'orders.ts');
      await row.first().click();
      await wb.runCommand('View: Focus Active Editor Group');
      const menu = await wb.quickFixes(/^Save CREATE INDEX as \.sql… \(2 Alembic heads\)/, 'the quick fix "Save CREATE INDEX as .sql… (2 Alembic heads)"', 60_000);
      log(`quick fixes: ${menu.join(' | ')}`);
      await screenshot('alembic-heads-menu');
      if (menu.some((t) => /^Add migration/.test(t))) throw new StepFailure(`expected no "Add migration" with two Alembic heads; the menu: ${menu.join(' | ')}`);
      await wb.page.keyboard.press('Escape');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await wb.runCommand('View: Close All Editors');
    }
  },
};
