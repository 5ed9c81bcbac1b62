/** Issue 12 item 7: a workspace adds profiles, never redefines or downgrades the user's; secrets are keyed by identity. */
import * as assert from 'node:assert/strict';
import { secretKey } from '../../../../src/core/connection/profile';
import { activeProfileName, looksLikeProduction, mergeConnectionSettings, removableProfiles, userProfileStandingFor, workspaceSettingsFile } from '../../../../src/core/connection/settings';

const prod = { name: 'shop prod', host: 'db.internal', port: 5432, database: 'shop', user: 'app', environment: 'production' };

describe('core/connection/settings', () => {
  it('the attack: a workspace redefines the production profile as development (same name) — the user\'s stands', () => {
    const { profiles, problems } = mergeConnectionSettings([prod], [{ ...prod, environment: 'development' }]);
    assert.deepEqual(profiles.map((p) => [p.profile.name, p.profile.environment, p.origin]), [['shop prod', 'production', 'user']]);
    assert.match(problems[0], /Ignoring workspace connection profile "shop prod": a profile of that name is defined in your user settings/);
  });

  it('the same server, database and user under another name, environment or sslmode is refused too', () => {
    for (const w of [
      { ...prod, name: 'innocent', environment: 'development' },
      { name: 'innocent', connectionString: 'postgres://app@DB.internal/shop?sslmode=disable', environment: 'production' },
      'postgres://app@db.internal:5432/shop',
    ]) {
      const { profiles, problems } = mergeConnectionSettings([prod], [w]);
      assert.deepEqual(profiles.map((p) => p.profile.name), ['shop prod'], JSON.stringify(w));
      assert.match(problems[0], /your user settings define "shop prod" \(production\) for the same server, database and user/);
    }
  });

  it('a workspace adds its own profiles; the user\'s come first; an untrusted workspace adds nothing', () => {
    const local = { name: 'local', host: 'localhost', database: 'shop_dev', user: 'dev' };
    const merged = mergeConnectionSettings([prod], [local]);
    assert.deepEqual(merged.profiles.map((p) => [p.profile.name, p.profile.environment, p.origin]), [['shop prod', 'production', 'user'], ['local', 'development', 'workspace']]);
    assert.deepEqual(merged.problems, []);
    assert.deepEqual(mergeConnectionSettings([prod], undefined).profiles.length, 1);
  });

  it('activeProfileName: a workspace with its own list opens on its own profile, not on the one another folder chose in user settings', () => {
    const umami = { name: 'umami local', host: '127.0.0.1', port: 5432, database: 'umami', user: 'postgres', environment: 'development' };
    const shop = { name: 'shop (demo)', host: '127.0.0.1', port: 5432, database: 'shop', user: 'postgres', environment: 'development' };
    const copy = { ...shop, name: 'shop copy', user: 'app' };
    // person7's hour: Add Connection in the umami folder wrote "umami local" as the user's choice; the shop keeps its own list.
    const inShop = mergeConnectionSettings([umami], [shop, copy]).profiles;
    assert.equal(activeProfileName(inShop, { user: 'umami local' }, true), 'shop (demo)');
    assert.equal(activeProfileName(inShop, { user: 'shop copy' }, true), 'shop copy', 'a user-level choice naming one of the workspace\'s profiles counts');
    assert.equal(activeProfileName(inShop, { user: 'umami local', workspace: 'umami local' }, true), 'umami local', 'the workspace\'s own choice comes first');
    assert.equal(activeProfileName(inShop, { workspace: 'gone' }, true), 'shop (demo)', 'a choice naming no profile falls back to the workspace\'s first');
    // The workspace's own profile left out because the user defines the same database (person7's hour: "shop for fastapi"
    // added in another folder): the user's profile stands for it, not the user's choice of another database.
    const shadowed = mergeConnectionSettings([{ ...shop, name: 'shop for fastapi' }, umami], [shop]).profiles;
    assert.deepEqual(shadowed.map((p) => p.profile.name), ['shop for fastapi', 'umami local']);
    assert.equal(activeProfileName(shadowed, { user: 'umami local', workspace: 'shop (demo)' }, true), 'shop for fastapi');
    const sameName = mergeConnectionSettings([umami, { ...shop, host: 'db.internal' }], [shop]).profiles;
    assert.equal(activeProfileName(sameName, { user: 'umami local' }, true), 'shop (demo)', 'a user profile of the same name stands for it');
    // A folder without its own list: the user's choice, else the first profile.
    const inUmami = mergeConnectionSettings([shop, umami], undefined).profiles;
    assert.equal(activeProfileName(inUmami, { user: 'umami local' }, false), 'umami local');
    assert.equal(activeProfileName(inUmami, {}, false), 'shop (demo)');
    assert.equal(activeProfileName([], { user: 'x' }, false), undefined);
  });

  it("activeProfileName: the choice made here (Select/Add Connection, kept on this machine, not in the team's settings file) comes first while it names a profile", () => {
    const shop = { name: 'shop (demo)', host: '127.0.0.1', port: 5432, database: 'shop', user: 'postgres', environment: 'development' };
    const copy = { ...shop, name: 'shop copy', user: 'app' };
    const umami = { ...shop, name: 'umami local', database: 'umami' };
    const inShop = mergeConnectionSettings([umami], [shop, copy]).profiles;
    assert.equal(activeProfileName(inShop, { workspace: 'shop (demo)', here: 'shop copy' }, true), 'shop copy', "over the workspace file's own choice");
    assert.equal(activeProfileName(inShop, { workspace: 'shop (demo)', here: 'umami local' }, true), 'umami local', 'a user profile picked here counts, as one written to the workspace did');
    assert.equal(activeProfileName(inShop, { workspace: 'shop (demo)', here: 'removed' }, true), 'shop (demo)', "a choice naming no profile: the settings' choice again");
    const folders = mergeConnectionSettings([], [shop], [copy]).profiles;
    assert.equal(activeProfileName(folders, { folder: 'shop copy', here: 'shop (demo)' }, 'folder'), 'shop (demo)', "over a folder's own choice too");
  });

  describe('a multi-root workspace: a folder\'s own list for its files (person9 P3)', () => {
    const shopWs = { name: 'shop via workspace file', host: '127.0.0.1', port: 5432, database: 'shop', user: 'postgres', environment: 'development' };
    const listmonk = { name: 'listmonk local', host: '127.0.0.1', port: 5432, database: 'listmonk', user: 'postgres', environment: 'development' };
    it("the folder's profiles are in effect with their origin, and its files open on them, not on the workspace file's choice", () => {
      const { profiles, leftOut } = mergeConnectionSettings([], [shopWs], [listmonk]);
      assert.deepEqual(profiles.map((p) => [p.profile.name, p.origin]), [['listmonk local', 'folder'], ['shop via workspace file', 'workspace']]);
      assert.deepEqual(leftOut, []);
      assert.equal(activeProfileName(profiles, { workspace: 'shop via workspace file' }, 'folder'), 'listmonk local', "the .code-workspace file's choice is made for every folder: not for one with its own list");
      assert.equal(activeProfileName(profiles, { workspace: 'listmonk local' }, 'folder'), 'listmonk local');
      assert.equal(activeProfileName(profiles, { folder: 'shop via workspace file', workspace: 'listmonk local' }, 'folder'), 'shop via workspace file', "the folder's own choice comes first, any profile");
      // A folder without a list of its own: the workspace file's list and choice, as before.
      const other = mergeConnectionSettings([], [shopWs], undefined).profiles;
      assert.equal(activeProfileName(other, { workspace: 'shop via workspace file' }, 'workspace'), 'shop via workspace file');
    });
    it("a folder's profile comes before the workspace file's of the same name; the workspace's is listed as not used, with why", () => {
      const { profiles, leftOut } = mergeConnectionSettings([], [{ ...shopWs, name: 'db' }], [{ ...listmonk, name: 'db' }]);
      assert.deepEqual(profiles.map((p) => [p.profile.database, p.origin]), [['listmonk', 'folder']]);
      assert.equal(leftOut.length, 1);
      assert.equal(leftOut[0].origin, 'workspace');
      assert.match(leftOut[0].why, /folder's own settings define "db" too/);
    });
    it('a folder cannot redefine a user profile either (same name, or same server, database and user)', () => {
      const { profiles, leftOut } = mergeConnectionSettings([{ ...listmonk, name: 'mine', environment: 'production' }], undefined, [listmonk]);
      assert.deepEqual(profiles.map((p) => p.profile.name), ['mine']);
      assert.equal(leftOut[0].origin, 'folder');
      assert.equal(leftOut[0].usedInstead, 'mine');
    });
  });

  it('a profile left out for a user profile (same login, or same name) is reported with the one used instead and why, never dropped silently (person9 P20)', () => {
    const shopPg15 = { name: 'shop pg15', host: '127.0.0.1', port: 5433, database: 'shop', user: 'postgres', environment: 'development' };
    const mine = { ...shopPg15, name: 'my pg15 (user)' };
    const { profiles, leftOut } = mergeConnectionSettings([mine], [shopPg15]);
    assert.deepEqual(profiles.map((p) => p.profile.name), ['my pg15 (user)']);
    assert.equal(leftOut.length, 1);
    assert.equal(leftOut[0].profile.name, 'shop pg15');
    assert.equal(leftOut[0].origin, 'workspace');
    assert.equal(leftOut[0].usedInstead, 'my pg15 (user)');
    assert.match(leftOut[0].why, /your user settings define "my pg15 \(user\)" for the same server, database and user/);
    // The workspace's choice names the left-out profile: the one standing for it is used (and the editor says so).
    assert.equal(activeProfileName(profiles, { workspace: 'shop pg15' }, 'workspace'), 'my pg15 (user)');
    const byName = mergeConnectionSettings([{ ...shopPg15, host: 'db.internal' }], [shopPg15]);
    assert.equal(byName.leftOut[0].usedInstead, 'shop pg15');
    assert.match(byName.leftOut[0].why, /a profile named "shop pg15"/);
  });

  it('invalid profiles are reported in one line each, without their text', () => {
    const { profiles, problems } = mergeConnectionSettings(['host=db password=Sup3r S3cretTail9'], [{ environment: 'qa' }]);
    assert.equal(profiles.length, 0);
    assert.equal(problems.length, 2);
    assert.ok(!problems.some((p) => /S3cret|Tail9/.test(p)), problems.join('\n'));
  });

  it('the secret key is the identity, environment included', () => {
    const dev = { ...prod, environment: 'development' as const };
    assert.notEqual(secretKey(dev), secretKey({ ...prod, environment: 'production' }));
  });

  it('looksLikeProduction: words of the host name, never local sockets or loopback', () => {
    for (const h of ['db-prod-1.example.com', 'prod.db', 'shop.production.internal', 'pg-prd', 'live-db']) assert.ok(looksLikeProduction(h), h);
    for (const h of ['localhost', '127.0.0.1', '/var/run/postgresql', 'product-db', 'products.internal', 'db.internal', 'deliver.example']) assert.ok(!looksLikeProduction(h), h);
  });
});

describe('core/connection/settings removableProfiles (Remove Connection)', () => {
  it('offers a workspace profile left out for a user profile of the same name, at its own place in the workspace list, marked as not in use (person27: it could not be removed)', () => {
    const local = { name: 'local', host: 'localhost', database: 'shop_dev', user: 'dev' };
    const { profiles, leftOut } = mergeConnectionSettings([prod], [local, { ...prod, environment: 'development' }]);
    const offered = removableProfiles(profiles, leftOut);
    assert.deepEqual(offered.map((e) => [e.profile.name, e.origin, e.index, e.leftOut ? e.leftOut.usedInstead : null]), [
      ['shop prod', 'user', 0, null],
      ['local', 'workspace', 0, null],
      ['shop prod', 'workspace', 1, 'shop prod'],
    ]);
    assert.match(offered[2].leftOut!.why, /a workspace cannot redefine a user's profile/);
  });
});

describe('core/connection/settings userProfileStandingFor (Add Connection in a workspace with its own list)', () => {
  // person8's hour: in a two-folder workspace with its own list, Add Connection for the database the user's "listmonk local"
  // already reaches wrote "two: listmonk" to the workspace, which the merge then left out: "…not in effect", the status bar
  // on "listmonk local", the new profile in neither Select nor Remove.
  const user = [{ name: 'listmonk local', host: '127.0.0.1', port: 41285, database: 'listmonk', user: 'postgres', environment: 'development' }];
  it('names the user profile that would stand for the new one (same server, database and user, or same name)', () => {
    assert.equal(userProfileStandingFor(user, { name: 'two: listmonk', host: '127.0.0.1', port: 41285, database: 'listmonk', user: 'postgres', environment: 'development' }), 'listmonk local');
    assert.equal(userProfileStandingFor(user, { name: 'listmonk local', host: '127.0.0.1', port: 41285, database: 'postgres', user: 'postgres', environment: 'development' }), 'listmonk local');
  });
  it('is undefined for a profile the workspace may add (another database), or with no user profiles', () => {
    assert.equal(userProfileStandingFor(user, { name: 'two: postgres db', host: '127.0.0.1', port: 41285, database: 'postgres', user: 'postgres', environment: 'development' }), undefined);
    assert.equal(userProfileStandingFor([], { name: 'two: listmonk', host: '127.0.0.1', port: 41285, database: 'listmonk', user: 'postgres', environment: 'development' }), undefined);
  });
});

describe('core/connection/settings workspaceSettingsFile', () => {
  it('names the .code-workspace file of a multi-root workspace, not .vscode/settings.json (person8: every label said .vscode/settings.json)', () => {
    assert.equal(workspaceSettingsFile({ scheme: 'file', path: '/tmp/p8-two.code-workspace' }), 'p8-two.code-workspace');
    assert.equal(workspaceSettingsFile(undefined), '.vscode/settings.json');
    assert.equal(workspaceSettingsFile({ scheme: 'untitled', path: 'Untitled-1' }), 'the untitled workspace');
  });
});
