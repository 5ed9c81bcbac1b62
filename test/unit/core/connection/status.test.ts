import { strict as assert } from 'node:assert';
import { capabilityAdvice, connectionSteps, disconnectedTexts, noConnectionText, notConnectedHoverLine, notConnectedStatus, otherFoldersStatus, copyAdviceLabel, removedConnectionNotice, humanSetting, shortVersion, statusSummary, unfinishedRunLine, unknownNameNote, type Capabilities } from '../../../../src/core/connection/status';

const pg18: Capabilities = { versionNum: 180004, version: 'PostgreSQL 18.4 on x86_64-pc-linux-gnu, compiled by gcc', pgStatStatements: 'ready', hypopg: 'ready' };

describe('core/connection/status', () => {
  it('Remove Connection says only what changed (person29 L9: "Connected to shop (demo)." while it was on shop (demo) all along)', () => {
    assert.equal(removedConnectionNotice('shop copy', 'shop (demo)', 'shop (demo)', 2), 'PG Lens: removed "shop copy".');
    assert.equal(removedConnectionNotice('shop copy', 'shop copy', 'shop (demo)', 1), 'PG Lens: removed "shop copy". Connected to shop (demo) now.');
    assert.equal(removedConnectionNotice('shop copy', 'shop copy', undefined, 0), 'PG Lens: removed "shop copy". No connection profile is left.');
    assert.equal(removedConnectionNotice('shop copy', 'shop copy', undefined, 1), 'PG Lens: removed "shop copy". Not connected now: Select Connection chooses another.');
    assert.equal(removedConnectionNotice('shop copy', undefined, undefined, 1), 'PG Lens: removed "shop copy".');
  });

  it('shows profile, version and both capabilities in the status bar text', () => {
    const s = statusSummary({ name: 'shop', environment: 'development' }, pg18, false);
    assert.equal(s.text, '$(database) shop · PG 18.4 · stats $(check) · HypoPG $(check)');
    assert.deepEqual(s.details.slice(0, 4), ['PG Lens: shop (development)', 'PostgreSQL 18.4', 'pg_stat_statements: ready', 'HypoPG: ready']);
    assert.equal(shortVersion({ version: 'PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64', versionNum: 150008 }), 'PostgreSQL 15.8');
    assert.equal(shortVersion({ version: 'EnterpriseDB something', versionNum: 160002 }), 'PostgreSQL 16');
  });

  it('says read-only for production profiles', () => {
    const s = statusSummary({ name: 'prod', environment: 'production' }, { ...pg18, hypopg: 'unavailable' }, true);
    assert.match(s.text, /HypoPG \$\(circle-slash\) · \$\(lock\) read-only$/);
    assert.ok(s.details.some((d) => /read-only for PG Lens/.test(d)));
  });

  it('the server gone under the connection: says the connection is lost (not "unreachable": a terminated session leaves the server up, person31 L3), not the capabilities it last read (person17 LOW 2)', () => {
    const s = statusSummary({ name: 'locallibrary', environment: 'development' }, pg18, false, 'No PostgreSQL is listening at 127.0.0.1:55434 (connection refused).');
    assert.equal(s.text, '$(debug-disconnect) locallibrary · connection lost');
    assert.doesNotMatch(s.text, /stats|PG 18/);
    assert.match(s.details.join('\n'), /connection refused/);
  });

  it('explains how to enable each missing capability, for this server version', () => {
    assert.deepEqual(capabilityAdvice(pg18), []);
    const none = capabilityAdvice({ ...pg18, versionNum: 150008, pgStatStatements: 'unavailable', hypopg: 'unavailable' });
    assert.equal(none.length, 2);
    assert.match(none[0].action!, /shared_preload_libraries/);
    assert.match(none[1].action!, /postgresql-15-hypopg/);
    assert.match(none[1].message, /rolled-back transaction/);
    assert.equal(capabilityAdvice({ ...pg18, pgStatStatements: 'not-installed' })[0].action, 'CREATE EXTENSION pg_stat_statements;');
    assert.match(capabilityAdvice({ ...pg18, pgStatStatements: 'not-loaded' })[0].message, /restart/);
    assert.equal(capabilityAdvice({ ...pg18, hypopg: 'available' })[0].action, 'CREATE EXTENSION hypopg;');
    // The status dialog's buttons say what they copy (person8: "Copy fix 1" read like a machine's label).
    assert.deepEqual(none.map(copyAdviceLabel), ['Copy the pg_stat_statements setup', 'Copy the HypoPG setup']);
  });
});

describe('core/connection/status humanSetting', () => {
  for (const [raw, shown] of [
    ['16384 8kB', '128 MB'],
    ['524288 8kB', '4 GB'],
    ['4096 kB', '4 MB'],
    ['65536 kB', '64 MB'],
    ['1000 kB', '1000 kB'],
    ['10000 ms', '10 s'],
    ['2500 ms', '2500 ms'],
    ['0 ms', '0 (off)'],
    ['60 s', '1 min'],
    ['-1 kB', '-1 (default)'],
    ['on', 'on'],
    ['4', '4'],
  ] as const) {
    it(`${raw} → ${shown}`, () => assert.equal(humanSetting(raw), shown));
  }
});

describe('core/connection/status connectionSteps', () => {
  it('offers Add Connection, not an empty Select Connection, when nothing is configured', () => {
    assert.deepEqual(connectionSteps({ disconnected: false, profiles: 0 }).map((s) => s.title), ['Add Connection']);
  });
  it('offers Reconnect and Select Connection when there are profiles, or after a Disconnect', () => {
    assert.deepEqual(connectionSteps({ disconnected: false, profiles: 2 }).map((s) => s.command), ['pgLens.reconnect', 'pgLens.selectConnection']);
    assert.deepEqual(connectionSteps({ disconnected: true, profiles: 1 }).map((s) => s.title), ['Reconnect', 'Select Connection']);
    // Disconnected from a connection found in the environment (no profile in settings): nothing to select.
    assert.deepEqual(connectionSteps({ disconnected: true, profiles: 0 }).map((s) => s.title), ['Reconnect', 'Add Connection']);
  });
});

describe('core/connection/status unknownNameNote', () => {
  const shop = { name: 'shop', database: 'shop' };
  it('names the connection and database a missing relation, column or function was looked up on', () => {
    for (const code of ['42P01', '42703', '42883', '3F000']) {
      assert.equal(unknownNameNote(code, shop), "on connection 'shop' (database shop). If this code belongs to another database, select its connection.");
    }
    assert.match(unknownNameNote('42P01', { name: 'umami copy', database: 'umami' })!, /'umami copy' \(database umami\)/);
  });
  it('says nothing for errors that are not about a name the database lacks', () => {
    assert.equal(unknownNameNote('42601', shop), undefined); // syntax error
    assert.equal(unknownNameNote(undefined, shop), undefined);
    assert.equal(unknownNameNote('57014', shop), undefined); // statement timeout
  });
});

describe('core/connection/status notConnectedHoverLine', () => {
  it('says why (as text) and links each step: after Disconnect, Reconnect first (issue 20 item 13)', () => {
    const line = notConnectedHoverLine('Disconnected from conduit dev. Run "PG Lens: Reconnect" to connect again.', connectionSteps({ disconnected: true, profiles: 1 }));
    assert.equal(line.markdown, 'PG Lens: Disconnected from conduit dev\\. Run "PG Lens: Reconnect" to connect again\\. [Reconnect](command:pgLens.reconnect) · [Select Connection](command:pgLens.selectConnection)');
    assert.deepEqual(line.commands, ['pgLens.reconnect', 'pgLens.selectConnection']);
    assert.match(notConnectedHoverLine(undefined, connectionSteps({ disconnected: false, profiles: 0 })).markdown, /^PG Lens: not connected \[Add Connection\]/);
  });
});

describe('core/connection/status unfinishedRunLine', () => {
  it('a run cut by a server restart says it did not finish, as a notification too (person20 LOW 6: only the log said so)', () => {
    const cut = unfinishedRunLine('Explain Analyze', { message: 'The server closed our session (terminated by an administrator or a restart). The next command reconnects.', code: '57P01' });
    assert.equal(cut.line, 'Explain Analyze did not finish: the server closed our session (terminated by an administrator or a restart). The next command reconnects.');
    assert.equal(cut.notify, true);
    assert.equal(unfinishedRunLine('Benchmark', { message: 'The connection at localhost:5432 was lost. The next command reconnects.' }).notify, true);
    assert.equal(unfinishedRunLine('Explain Analyze', { message: 'No PostgreSQL is listening at localhost:5432 (connection refused).', code: 'ECONNREFUSED' }).notify, true);
  });
  it("a statement's own error stays in the panel, worded the same way", () => {
    const own = unfinishedRunLine('Explain Analyze', { message: 'Syntax error at or near "SELCT"', code: '42601' });
    assert.deepEqual(own, { line: 'Explain Analyze did not finish: syntax error at or near "SELCT"', notify: false });
    assert.equal(unfinishedRunLine('Explain Analyze', { message: 'SSL required' }).line, 'Explain Analyze did not finish: SSL required');
  });
});

describe('core/connection/status: notConnectedStatus (person20 LOW 8: a saved profile failing after a reload said why in the log only)', () => {
  it('the profile and why in the status bar text; the whole line in the tooltip', () => {
    const s = notConnectedStatus('conduit: Password authentication failed for user "conduit".', { profile: 'conduit', code: '28P01' });
    assert.equal(s.text, '$(warning) PG Lens: conduit — password rejected');
    assert.match(s.tooltip, /^conduit: Password authentication failed for user "conduit"\.\n\nClick to connect\.$/);
    assert.match(notConnectedStatus('shop: No PostgreSQL is listening at localhost:5432 (connection refused).', { profile: 'shop', code: 'ECONNREFUSED' }).text, /shop — server not running$/);
    assert.match(notConnectedStatus('shop: database "shop" does not exist.', { profile: 'shop', code: '3D000' }).text, /no such database$/);
  });

  it('no password saved, in a browser window: says that code-server keeps saved passwords in the browser, and how to go on', () => {
    const s = notConnectedStatus('conduit: Password authentication failed for user "conduit".', { profile: 'conduit', code: '28P01', noPassword: true, web: true });
    assert.equal(s.text, '$(warning) PG Lens: conduit — password needed');
    assert.match(s.tooltip, /No password is saved for this profile in this browser: VS Code in a browser \(code-server\) keeps saved passwords in the browser's storage/);
    assert.match(s.tooltip, /Click to type it/);
    assert.doesNotMatch(notConnectedStatus('x: y', { profile: 'x', code: '28P01', noPassword: true }).tooltip, /browser/);
  });

  it('a failure without its facts (a removed profile, nothing configured): "not connected" and the line; a profile name cannot add an icon', () => {
    assert.deepEqual(notConnectedStatus('No connection configured. Run "PG Lens: Add Connection".'), { text: '$(database) PG Lens: not connected', tooltip: 'No connection configured. Run "PG Lens: Add Connection".\n\nClick to connect.' });
    assert.doesNotMatch(notConnectedStatus('e', { profile: 'a$(zap)b' }).text, /\$\(zap\)/);
  });
});

describe('core/connection/status disconnectedTexts', () => {
  it('the Disconnect toast is one short sentence; what stays quiet and how to reconnect are the status bar item\'s tooltip (person30 L5)', () => {
    const t = disconnectedTexts('shop copy');
    assert.equal(t.notice, 'PG Lens: disconnected from shop copy.');
    assert.equal(t.notice.split(/[.:;] /).length, 2, t.notice);
    assert.match(t.tooltip, /^Disconnected from shop copy\./);
    assert.match(t.tooltip, /hovers and CodeLens stay quiet/);
    assert.match(t.tooltip, /Click to reconnect \(or Reconnect in a hover\)\.$/);
  });
});

describe('core/connection/status noConnectionText: what a folder without a connection is told', () => {
  it('a single folder: Add Connection, as before', () => {
    assert.equal(noConnectionText(), 'No connection configured. Run "PG Lens: Add Connection".');
    assert.equal(noConnectionText('second', [{ folder: 'shop', profiles: [] }]), 'No connection configured. Run "PG Lens: Add Connection".');
  });
  it("multi-root: names the other folders' own profiles and where one for this folder's files goes (person37 L7)", () => {
    const t = noConnectionText('second', [{ folder: 'shop', profiles: ['shop (demo)'] }]);
    assert.equal(t, 'No connection configured for the files of folder "second": folder "shop" has "shop (demo)" in its own settings, used for its files only. Run "PG Lens: Add Connection" here, or move the profile to the workspace file\'s pgLens.connections to share it.');
    const many = noConnectionText('x', [{ folder: 'a', profiles: ['p1', 'p2', 'p3'] }, { folder: 'b', profiles: ['q'] }, { folder: 'c', profiles: ['r'] }]);
    assert.match(many, /folder "a" has "p1", "p2"…; folder "b" has "q"… in its own settings/);
  });
});


describe('core/connection/status: otherFoldersStatus (person39 L7)', () => {
  it('a folder with no profile in a multi-root window: how many folders, which have a connection, not "not connected"', () => {
    const s = otherFoldersStatus('billing', 2, [{ folder: 'shop', profiles: ['shop (demo)'] }])!;
    assert.equal(s.text, '$(database) PG Lens: 2 folders, 1 with a connection (shop)');
    assert.doesNotMatch(s.text, /not connected/);
    assert.equal(s.tooltip, 'The files of folder "billing" have no connection profile. Folder "shop" connects to "shop (demo)": open one of its files and PG Lens connects for it. Click for the connection status.');
    assert.equal(otherFoldersStatus('billing', 3, [{ folder: 'a', profiles: [] }, { folder: 'b', profiles: [] }]), undefined, 'no folder has one: the usual status');
    assert.match(otherFoldersStatus(undefined, 4, [{ folder: 'a', profiles: ['x'] }, { folder: 'b', profiles: ['y', 'z'] }, { folder: 'c', profiles: ['w'] }])!.text, /4 folders, 3 with a connection \(a, b…\)$/);
  });
});
