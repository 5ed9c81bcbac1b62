/**
 * Issue 12 item 6: tricky passwords are read as pg/libpq read them, and no part of one reaches what
 * is stored in settings, what goes to the log, or an error message. SecretStorage gets the whole
 * password through passwordsOutOfSettings (the code path the editor stores it with).
 */
import * as assert from 'node:assert/strict';
import { parse as pgParse } from 'pg-connection-string';
import { splitPassword } from '../../../../src/core/connection/detect';
import { parseConnectionString, redact, secretKey } from '../../../../src/core/connection/profile';
import { passwordsOutOfSettings } from '../../../../src/core/connection/settings';
import { kvQuote, TRICKY } from '../../support/passwords';


function leaks(text: string): boolean {
  return /S3cret|Tail9/.test(text);
}

describe('tricky passwords (issue 12 item 6)', () => {
  for (const pw of TRICKY) {
    describe(JSON.stringify(pw), () => {
      const forms: [string, string][] = [
        ['URI, percent-encoded', `postgres://app:${encodeURIComponent(pw)}@db.internal:6543/shop?sslmode=require`],
        ['key=value, quoted', `host=db.internal port=6543 dbname=shop user=app password=${kvQuote(pw)} sslmode=require`],
      ];
      // An unencoded "@" (and ":") is what people paste; pg reads up to the last "@" of the authority.
      if (!/[/\s'"\\#?%]/.test(pw)) forms.push(['URI, "@" and ":" not encoded', `postgres://app:${pw}@db.internal:6543/shop?sslmode=require`]);
      if (!/[\s'\\]/.test(pw)) forms.push(['key=value, unquoted', `host=db.internal port=6543 dbname=shop user=app password=${pw} sslmode=require`]);
      if (!/'/.test(pw) && /\s/.test(pw)) forms.push(['key=value, spaces escaped with \\', `host=db.internal port=6543 dbname=shop user=app password=${pw.replace(/\\/g, '\\\\').replace(/\s/g, (c) => `\\${c}`)} sslmode=require`]);

      for (const [label, text] of forms) {
        it(`${label}: parsed whole, as pg does, and kept out of settings, logs and messages`, () => {
          const parsed = parseConnectionString(text);
          assert.equal(parsed.password, pw);
          assert.deepEqual([parsed.profile.host, parsed.profile.port, parsed.profile.database, parsed.profile.user, parsed.profile.sslmode], ['db.internal', 6543, 'shop', 'app', 'require']);
          if (text.startsWith('postgres://')) assert.equal(pgParse(text).password, pw, 'pg itself reads the same password');

          // Settings: what is written back holds no part of it; SecretStorage gets all of it, under the profile's key.
          const { next, moves } = passwordsOutOfSettings([{ name: 'shop', environment: 'production', connectionString: text }]);
          assert.equal(moves.length, 1);
          assert.equal(moves[0].password, pw);
          assert.equal(secretKey(moves[0].profile), 'pgLens.password:production:app@db.internal:6543/shop');
          assert.ok(!leaks(JSON.stringify(next)), JSON.stringify(next));
          const rest = splitPassword(text);
          assert.equal(rest.password, pw);
          assert.ok(!leaks(rest.text), rest.text);
          assert.deepEqual(parseConnectionString(rest.text).profile, parsed.profile, 'what is stored still names the same connection');

          // Logs: a line holding the string is redacted whole.
          const line = redact(`Connecting with ${text} now`);
          assert.ok(!leaks(line), line);
          assert.match(line, / now$/);
        });
      }
    });
  }

  it('error messages of malformed strings never echo a piece of them', () => {
    for (const bad of [
      'host=db password=Sup3r S3cretTail9', // unquoted space: "S3cretTail9" looks like a key
      'host=db password=x S3cret=Tail9',
      "host=db password='S3cret Tail9", // unterminated quote
      'host=db password S3cretTail9',
      'S3cretTail9',
      'postgres://app:S3cret/Tail9@db/shop',
      'postgres://app:S3cret@Tail9@db:99999/shop',
    ]) {
      assert.throws(() => parseConnectionString(bad), (e: Error) => {
        assert.ok(!leaks(e.message), `${bad} → ${e.message}`);
        return true;
      });
      // Where a password is recognisable (password=…, user:…@ in a URI), the log never shows any of it.
      if (/password\s*=|postgres:\/\/[^@]*:.*@/.test(bad)) assert.ok(!leaks(redact(bad)), `redact(${bad}) = ${redact(bad)}`);
    }
  });

  it('redact: escaped spaces, unterminated quotes and several URIs on a line', () => {
    assert.equal(redact('password=Sup3r\\ S3cretPW host=h'), 'password=*** host=h');
    assert.equal(redact("password='S3cret Tail9"), 'password=***');
    assert.equal(redact('a postgres://u:Sup3r@S3cretPW@db/x and postgres://v:p@h2/y'), 'a postgres://u:***@db/x and postgres://v:***@h2/y');
  });
});
