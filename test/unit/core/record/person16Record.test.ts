/**
 * person16 MEDIUM 6: Record Queries on a Go app said "run your app or its tests now" and, at Stop, that capture sees apps
 * started in a VS Code terminal — untrue for Go (the capture records Node and Python only). The messages now say which
 * languages are captured and what PG Lens does for the others (pg_stat_statements matched by text).
 */
import { strict as assert } from 'node:assert';
import { appLanguages, captureStoppedText, otherLanguagesReportNote, recordingStartedText, recordingStoppedText, recordText, terminalsNotRecordedText } from '../../../../src/core/record/format';
import { observedReport, type ObservedMatch } from '../../../../src/core/nplusone/observed';
import type { RecordSummary } from '../../../../src/core/record/aggregate';

const GO = appLanguages(['go', 'go', 'go', 'sql', 'javascript']);
const GO_ONLY = appLanguages(['go', 'go', 'sql']);

describe('core/record/format: languages the capture records (person16)', () => {
  it('splits the workspace languages by whether the capture records them, most files first', () => {
    assert.deepEqual(GO, { captured: ['Node'], other: ['Go'] });
    assert.deepEqual(appLanguages(['ruby', 'python', 'ruby', 'java']), { captured: ['Python'], other: ['Ruby', 'Java'] });
    assert.deepEqual(appLanguages(['sql']), { captured: [], other: [] });
  });

  it('the start notice on a Go-only workspace says what is recorded instead of "run your app or its tests now"', () => {
    const t = recordingStartedText(GO_ONLY, true);
    assert.doesNotMatch(t, /run your app or its tests now/);
    assert.match(t, /^PG Lens is recording pg_stat_statements: run your Go app now\. The report matches what ran to the SQL in your code by its text \(the capture records Node \(pg\) and Python \(psycopg2, psycopg, asyncpg\) apps only/);
    // Not connected: nothing would be recorded from a Go app, and it says so.
    assert.match(recordingStartedText(GO_ONLY, false), /nothing will be recorded from your Go app\. Connect/);
    // A Node workspace keeps the capture's notice; one with Go code too says the Go part is matched by text.
    assert.match(recordingStartedText({ captured: ['Node'], other: [] }, true), /^PG Lens is recording queries: run your app or its tests in a new terminal/);
    assert.match(recordingStartedText(GO, true), /Your Go code is not captured: pg_stat_statements matches what it runs by its SQL text\./);
  });

  it('the stop toast on a Go-only workspace does not say capture sees apps started in a terminal', () => {
    const m = captureStoppedText(0, 0, {}, GO_ONLY).message;
    assert.doesNotMatch(m, /capture sees apps started/);
    assert.match(m, /the capture records Node \(pg\) and Python \(psycopg2, psycopg, asyncpg\) apps only; this workspace's Go code is not captured — what it ran is in the pg_stat_statements report \(Output\), matched to your code by its SQL text/);
    assert.match(recordingStoppedText({ statements: 0, nPlusOne: 0 }, { flagged: 0, repeated: 8, window: '60 s' }, GO_ONLY), /Go code is not captured.*No observed N\+1 on the whole server/);
  });

  it('the Output report names the languages and where line attribution is explained', () => {
    assert.equal(otherLanguagesReportNote({ captured: ['Node'], other: [] }), undefined);
    assert.match(otherLanguagesReportNote(GO_ONLY)!, /^Go code: the capture records Node .* only, so what your Go code ran is below as pg_stat_statements saw it, matched to the SQL in your code by its text.*"Other languages" in PG Lens's recording guide/);
    const empty = { statements: 0, totalMs: 0, errors: 0, units: {}, notices: [], dropped: 0, nPlusOne: [], threshold: 5, sites: [], slowest: [] } as unknown as RecordSummary;
    assert.match(recordText(empty, (f) => f, undefined, GO_ONLY), /Nothing was recorded: the capture records .* this workspace's Go code is not captured/);
    assert.match(recordText(empty, (f) => f), /Nothing was recorded: did the command use PostgreSQL through pg \(Node\)/);
  });

  it('a repeated statement from code not itself in a loop: pg_stat_statements cannot tell whether a caller loops (not "not sent in a loop")', () => {
    const m: ObservedMatch = {
      statement: { queryid: '1', query: 'SELECT o FROM object_keys WHERE file_id = $1', calls: 4000, rows: 4000, totalExecTimeMs: 40 },
      sites: [{ file: 'pkg/repo/object.go', line: 72, sql: 'SELECT o FROM object_keys WHERE file_id = $1', inLoop: false }],
      matchedBy: 'text',
    } as unknown as ObservedMatch;
    const report = observedReport([m]);
    assert.doesNotMatch(report, /not sent in a loop/);
    assert.match(report, /Repeated, from code not itself in a loop: 1\. pg_stat_statements cannot tell whether a caller runs these once per item of a loop/);
  });
});

describe('core/record: terminals opened before the recording (person39 L1)', () => {
  it('names them once and says how to fix it; nothing when none is open or the capture records none of the languages', () => {
    const node = appLanguages(['typescript']);
    assert.equal(terminalsNotRecordedText(['bash'], node), 'The terminal "bash" was opened before the recording started: what runs there is not recorded. Open a new terminal (or relaunch it from the ⚠ on its tab) and start your app there.');
    assert.match(terminalsNotRecordedText(['bash', 'demo', 'zsh', 'node'], node)!, /^4 terminals \("bash", "demo", "zsh" and 1 more\) were opened before the recording started/);
    assert.equal(terminalsNotRecordedText([], node), undefined);
    // A terminal still starting has no name (e2e step 20 in code-server: 'The terminal "" was…').
    assert.match(terminalsNotRecordedText([''], node)!, /^A terminal was opened before the recording started/);
    assert.match(terminalsNotRecordedText(['', ''], node)!, /^2 terminals were opened before/);
    assert.equal(terminalsNotRecordedText(['bash'], appLanguages(['go'])), undefined);
  });
});
