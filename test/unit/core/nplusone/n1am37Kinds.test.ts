/**
 * Kinds of false alarm the blind splits held-out-al and held-out-am showed (n1am, session 37), fixed by kind, each
 * keyed on what the code shows. Each test failed before its fix (main 4ea6684f).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, detectWithLines, scanLines } from '../../support/nplusoneFixtures';
import { codeContextOf } from '../../../../src/core/codeContext';

/** A SQLAlchemy repository: the project's database layer is not Django's. */
const SA_REPO: ScanFile = {
  path: 'app/db/repository.py',
  text: [
    'from sqlalchemy import select',
    'from sqlalchemy.ext.asyncio import AsyncSession',
    '',
    'from app.db.models import TaskModel',
    '',
    '',
    'async def get_task(session: AsyncSession, task_id: str):',
    '    return await session.scalar(select(TaskModel).where(TaskModel.id == task_id))',
    '',
  ],
};

/** A module that holds a plain set on an object it is handed, importing a class from a `models` module. */
const OTP_LOOKUP: ScanFile = {
  path: 'app/services/otp_lookup.py',
  text: [
    'from app.schemas.models import OTPType',
    '',
    '',
    'def collect(lookup_context, candidates):',
    '    for candidate in candidates:',
    '        if candidate.is_link:',
    '            lookup_context.observed_types.add(OTPType.MAGIC_LINK)',
    '        lookup_context.kinds.remove(candidate.kind)',
    '',
  ],
};

/** The same loop in a Django project: `article.tags.add(tag)` is a related manager's INSERT per item. */
const DJANGO_MODELS: ScanFile = {
  path: 'blog/models.py',
  text: [
    'from django.db import models',
    '',
    '',
    'class Tag(models.Model):',
    '    name = models.CharField(max_length=50)',
    '',
  ],
};

describe('N+1 kinds shown by held-out-al and held-out-am (n1am37)', () => {
  it('Python: `x.attr.add(…)` in a project whose database layer is SQLAlchemy and no file imports Django is no related-manager write', async () => {
    const lines = await scanLines([SA_REPO, OTP_LOOKUP]);
    assert.deepEqual(lines.filter((l) => l.startsWith('app/services/otp_lookup.py')), []);
  });

  it('Python: the same `.add` stays a Django related-manager write when a file of the project imports Django', async () => {
    const lines = await scanLines([SA_REPO, OTP_LOOKUP, DJANGO_MODELS]);
    assert.ok(lines.some((l) => l.startsWith('app/services/otp_lookup.py:7 ')), lines.join('\n'));
  });

  it('Go: a cobra command that rotates encryption keys (`Use: "rotate-provider-tokens"`, "Rotate keys …") is an operator\'s one-off, a log rotation stays a job', () => {
    const keys = [
      'package app',
      '',
      'import "github.com/spf13/cobra"',
      '',
      'var rotateCmd = &cobra.Command{',
      '\tUse:   "rotate-provider-tokens",',
      '\tShort: "Rotate keys and encryption algorithms for provider tokens",',
      '\tLong:  `re-encrypt all provider access tokens with the default key version`,',
      '}',
      '',
    ].join('\n');
    assert.equal(codeContextOf('cmd/server/app/encryption_rotate.go', keys), 'script');
    const logs = keys.replace('rotate-provider-tokens', 'rotate').replace(/Short: .*\n/, 'Short: "Rotate the audit log table",\n').replace(/Long: .*\n/, '');
    assert.equal(codeContextOf('cmd/server/app/logs_rotate.go', logs), 'job');
  });

  it('JS: a call on the line after `// eslint-disable-next-line no-await-in-loop` is sequential by the author\'s choice: info, not a warning', async () => {
    const driver: ScanFile = {
      path: 'server/drivers/postgres/index.js',
      text: [
        "import pg from 'pg';",
        '',
        'export class Client {',
        '  async runQuery(sql, params) {',
        '    return this.client.query(sql, params);',
        '  }',
        '',
        '  async connect(statements) {',
        '    this.client = new pg.Client();',
        '    for (const query of statements) {',
        '      // eslint-disable-next-line no-await-in-loop',
        '      await this.runQuery(query);',
        '    }',
        '  }',
        '',
        '  async load(ids) {',
        '    for (const id of ids) {',
        "      await this.runQuery('SELECT * FROM item WHERE id = $1', [id]);",
        '    }',
        '  }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([driver]);
    assert.deepEqual(lines, ['server/drivers/postgres/index.js:12 info', 'server/drivers/postgres/index.js:18 warning']);
  });

  it('Python: a loop over an Enum nested in a class (`for type_ in Subscriptions.Type:`) walks the members the code declares; a loop over rows stays', async () => {
    const text = [
      'from h.models import Subscriptions',
      '',
      '',
      'def ensure(session, user, rows):',
      '    for type_ in Subscriptions.Type:',
      '        session.query(Subscriptions).filter_by(uri=user.uri, type=type_).first()',
      '    for row in rows:',
      '        session.query(Subscriptions).filter_by(uri=row.uri).first()',
      '',
    ].join('\n');
    assert.deepEqual((await detectWithLines(text, 'h/services/subscription.py')).map((x) => `${x.line} ${x.finding.severity}`), ['8 warning']);
  });
});
