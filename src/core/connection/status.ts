/**
 * What the status bar says about a connection, and how to enable what is missing — pure, so the
 * wording is unit-tested. The capability states come from db/database ServerInfo.
 */
export interface Capabilities {
  versionNum: number;
  version: string;
  pgStatStatements: 'ready' | 'not-installed' | 'not-loaded' | 'unavailable';
  hypopg: 'ready' | 'available' | 'unavailable';
  inRecovery?: boolean;
}

/** "PostgreSQL 18.4" from version(). */
export function shortVersion(c: Pick<Capabilities, 'version' | 'versionNum'>): string {
  return c.version.match(/PostgreSQL [\d.]+\w*/)?.[0] ?? `PostgreSQL ${Math.floor(c.versionNum / 10000)}`;
}

export interface StatusSummary {
  /** Status bar text (codicons allowed). */
  text: string;
  /** Tooltip lines (plain text). */
  details: string[];
}

/**
 * `lost`: the server went away under the connection (a restart, the network; one line from db/errors) and no statement
 * has reached it since — the status bar says so instead of the capabilities it last read (person17 LOW 2: "PG 18.4 ·
 * stats ✓" stayed while the dashboard said disconnected).
 */
export function statusSummary(profile: { name: string; environment: string }, c: Capabilities, readOnly: boolean, lost?: string): StatusSummary {
  if (lost !== undefined) {
    return {
      // Not "unreachable": a session an administrator terminated (57P01) is lost with the server up (person31 L3).
      text: `$(debug-disconnect) ${profile.name} · connection lost`,
      details: [`PG Lens: ${profile.name} (${profile.environment}): the connection to the server was lost.`, lost, 'PG Lens connects again with its next statement (the dashboard tries every refresh). Click for details.'],
    };
  }
  const mark = (ok: boolean) => (ok ? '$(check)' : '$(circle-slash)');
  const pss = c.pgStatStatements === 'ready';
  const hypo = c.hypopg === 'ready';
  const text = [`$(database) ${profile.name}`, shortVersion(c).replace('PostgreSQL', 'PG'), `stats ${mark(pss)}`, `HypoPG ${mark(hypo)}`, ...(readOnly ? ['$(lock) read-only'] : [])].join(' · ');
  const details = [
    `PG Lens: ${profile.name} (${profile.environment}${c.inRecovery ? ', replica' : ''})`,
    c.version.split(' on ')[0].split(',')[0],
    `pg_stat_statements: ${describeState(c.pgStatStatements)}`,
    `HypoPG: ${describeState(c.hypopg)}`,
  ];
  if (readOnly) details.push('Production profile: read-only for PG Lens (no Explain Analyze, no index creation, no maintenance).');
  details.push(pss && hypo ? 'Click for details.' : 'Click to see how to enable what is missing.');
  return { text, details };
}

function describeState(s: Capabilities['pgStatStatements'] | Capabilities['hypopg']): string {
  switch (s) {
    case 'ready':
      return 'ready';
    case 'available':
      return 'available, not created in this database';
    case 'not-installed':
      return 'not created in this database';
    case 'not-loaded':
      return 'created but not loaded (shared_preload_libraries)';
    case 'unavailable':
      return 'not installed on the server';
  }
}

export interface Advice {
  /** One line: what is missing and what PG Lens does without it. */
  message: string;
  /** What to run or change, copyable. */
  action?: string;
  /** What it is about, for a button that copies the action ("Copy the HypoPG setup"). */
  about: 'pg_stat_statements' | 'HypoPG';
}

/** How to enable each missing capability on this server (the status bar click shows these). */
export function capabilityAdvice(c: Capabilities): Advice[] {
  const major = Math.floor(c.versionNum / 10000);
  const out: Advice[] = [];
  switch (c.pgStatStatements) {
    case 'unavailable':
      out.push({
        about: 'pg_stat_statements',
        message: 'pg_stat_statements is not installed on the server, so the dashboard and workload advice have no statistics. It ships with PostgreSQL\'s contrib package.',
        action: `# Debian/Ubuntu: apt-get install postgresql-contrib\n# postgresql.conf: shared_preload_libraries = 'pg_stat_statements' (restart), then:\nCREATE EXTENSION pg_stat_statements;`,
      });
      break;
    case 'not-loaded':
      out.push({
        about: 'pg_stat_statements',
        message: 'pg_stat_statements is created but the server does not load it: add it to shared_preload_libraries and restart the server.',
        action: `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';  -- keep any libraries already listed; then restart`,
      });
      break;
    case 'not-installed':
      out.push({ about: 'pg_stat_statements', message: 'pg_stat_statements is loaded by the server but not created in this database.', action: 'CREATE EXTENSION pg_stat_statements;' });
      break;
  }
  if (c.hypopg === 'unavailable') {
    out.push({
      about: 'HypoPG',
      message: 'HypoPG is not installed: index suggestions are proved with a real index inside a rolled-back transaction instead (development profiles, small tables only).',
      action: `# Debian/Ubuntu (PGDG): apt-get install postgresql-${major}-hypopg, then:\nCREATE EXTENSION hypopg;`,
    });
  } else if (c.hypopg === 'available') {
    out.push({ about: 'HypoPG', message: 'HypoPG is installed but not created in this database: create it to prove index suggestions without building them.', action: 'CREATE EXTENSION hypopg;' });
  }
  return out;
}

/** The status dialog's button that copies an advice's action: what it sets up, not its number. */
export function copyAdviceLabel(a: Advice): string {
  return `Copy the ${a.about} setup`;
}

const BYTES: Record<string, number> = { B: 1, kB: 1024, '8kB': 8192, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** pg_settings "setting unit" as a person reads it: "16384 8kB" → "128 MB", "10000 ms" → "10 s". */
export function humanSetting(value: string): string {
  const m = /^(-?\d+(?:\.\d+)?) (B|kB|8kB|MB|GB|TB|ms|s|min)$/.exec(value);
  if (!m) return value;
  const n = Number(m[1]);
  const unit = m[2];
  if (n < 0) return `${n} (${unit === 'ms' || unit === 's' || unit === 'min' ? 'off' : 'default'})`;
  if (unit in BYTES) {
    const bytes = n * BYTES[unit];
    for (const [u, size] of [['TB', 1024 ** 4], ['GB', 1024 ** 3], ['MB', 1024 ** 2], ['kB', 1024]] as const) {
      if (bytes >= size && bytes % (size / 16) === 0) return `${+(bytes / size).toFixed(2)} ${u}`;
    }
    return `${bytes} B`;
  }
  const ms = n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60000);
  if (ms === 0) return '0 (off)';
  if (ms % 60000 === 0) return `${ms / 60000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export interface ConnectionStep {
  title: string;
  command: 'pgLens.reconnect' | 'pgLens.selectConnection' | 'pgLens.addConnection';
}

/**
 * What Disconnect says: the toast one short sentence; what stays quiet until then, and how to reconnect, the status bar
 * item's tooltip (person30 L5: the toast was a three-clause sentence).
 */
export function disconnectedTexts(name: string): { notice: string; tooltip: string } {
  return {
    notice: `PG Lens: disconnected from ${name}.`,
    tooltip: `Disconnected from ${name}.\n\nUntil you reconnect, hovers and CodeLens stay quiet, and Problems keeps only the findings that need no database (those the database proved come back).\n\nClick to reconnect (or Reconnect in a hover).`,
  };
}

/**
 * What a person can do while not connected (the hover's links, the "not connected" toast): Reconnect after a
 * Disconnect or a failure, Select Connection only when there is a profile to select, Add Connection when there is
 * none. With nothing configured the toast offered "Select Connection", which opened an empty list.
 */
export function connectionSteps(s: { disconnected: boolean; profiles: number }): ConnectionStep[] {
  const out: ConnectionStep[] = [];
  if (s.disconnected || s.profiles > 0) out.push({ title: 'Reconnect', command: 'pgLens.reconnect' });
  if (s.profiles > 0) out.push({ title: 'Select Connection', command: 'pgLens.selectConnection' });
  else out.push({ title: 'Add Connection', command: 'pgLens.addConnection' });
  return out;
}

/**
 * The line a PG Lens hover shows while not connected, with the steps as command links (markdown; the error as text).
 * Every hover PG Lens shows says it — the plan hover, the recorded line's, the missing-index one — since the
 * Disconnect notice promises "Reconnect in a hover" (issue 20 item 13: the recorded line's hover had none).
 */
export function notConnectedHoverLine(error: string | undefined, steps: readonly ConnectionStep[]): { markdown: string; commands: string[] } {
  const text = (error ?? 'not connected').replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
  return { markdown: `PG Lens: ${text} ${steps.map((x) => `[${x.title}](command:${x.command})`).join(' · ')}`.trim(), commands: steps.map((x) => x.command) };
}

/** SQLSTATEs of a name the server does not know: relation, column, function, schema, type or other object. */
const UNKNOWN_NAME = new Set(['42P01', '42703', '42883', '3F000', '42704']);

/**
 * Which connection answered "relation … does not exist": the name is missing *there*, and code written for
 * another database reads as broken SQL unless the hover says where it asked (a folder opened on the other
 * project's database said "relation customers does not exist" everywhere, with nothing pointing at the connection).
 */
export function unknownNameNote(code: string | undefined, profile: { name: string; database: string }): string | undefined {
  if (!code || !UNKNOWN_NAME.has(code)) return undefined;
  return `on connection '${profile.name}' (database ${profile.database}). If this code belongs to another database, select its connection.`;
}

/** SQLSTATEs and socket codes of a session the server ended or cannot give (a restart, a crash, a terminated backend). */
const SESSION_LOST_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * What a run that failed (Explain Analyze, Benchmark) says, in one line: "Explain Analyze did not finish: the server
 * closed our session …". `notify`: the session was lost (a server restart mid-run), so it is said as a notification
 * too, not only in a panel that may be behind other tabs (person20 LOW 6: the restart was only in the log). A
 * statement's own error (a syntax error, a refused value) stays beside the plan.
 */
export function unfinishedRunLine(action: string, e: { message: string; code?: string }): { line: string; notify: boolean } {
  const m = e.message.trim() || 'unknown error.';
  const reason = /^[A-Z][a-z]/.test(m) ? m[0].toLowerCase() + m.slice(1) : m;
  const lost = (e.code !== undefined && SESSION_LOST_CODES.has(e.code)) || /next command reconnects|connection .*was lost|No PostgreSQL is listening/i.test(m);
  return { line: `${action} did not finish: ${reason}`, notify: lost };
}

/** What a failed connect came to, for the status bar (ConnectionManager's last failure). */
export interface ConnectFailure {
  profile: string;
  /** The error's code (SQLSTATE, or Node's: ECONNREFUSED…). */
  code?: string;
  /** No password was given, saved or found (PGPASSWORD, ~/.pgpass) for it. */
  noPassword?: boolean;
  /** The window runs in a browser (code-server): its saved passwords are kept in the browser's storage. */
  web?: boolean;
}

/** A few words for why a connect failed, from its code (the status bar's text; the whole line is its tooltip). */
function failureWords(code: string | undefined, noPassword: boolean): string {
  if (code === '28P01') return noPassword ? 'password needed' : 'password rejected';
  if (code === '28000') return 'login refused';
  if (code === '3D000') return 'no such database';
  if (code === 'ECONNREFUSED') return 'server not running';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'server unreachable';
  return noPassword ? 'password needed' : 'connect failed';
}

/**
 * Why nothing connects for the files worked in. In a multi-root workspace another folder's own profiles count for that
 * folder's files only (docs/connections.md): the message names them and where to write one for this folder (person37
 * L7: a second folder's SQL said only "No connection configured" while the first folder's settings held "shop (demo)").
 * `here`: the folder of the files worked in; `elsewhere`: other folders' own profiles, by folder.
 */
export function noConnectionText(here?: string, elsewhere: readonly { folder: string; profiles: readonly string[] }[] = []): string {
  const add = 'Run "PG Lens: Add Connection"';
  const others = elsewhere.filter((e) => e.profiles.length);
  if (!others.length) return `No connection configured. ${add}.`;
  const named = others.slice(0, 2).map((e) => `folder "${e.folder}" has ${e.profiles.slice(0, 2).map((p) => `"${p}"`).join(', ')}${e.profiles.length > 2 ? '…' : ''}`).join('; ');
  return `No connection configured for the files of ${here ? `folder "${here}"` : 'this folder'}: ${named}${others.length > 2 ? '…' : ''} in its own settings, used for its files only. ${add} here, or move the profile to the workspace file's pgLens.connections to share it.`;
}

/**
 * The status bar of a multi-root window whose folder worked in has no connection profile while other folders have their
 * own (person39 L7: after Add Folder it said "PG Lens: not connected" until a shop file was active): how many folders,
 * which have a connection, and that opening one of their files connects it.
 */
export function otherFoldersStatus(here: string | undefined, folders: number, elsewhere: readonly { folder: string; profiles: readonly string[] }[]): { text: string; tooltip: string } | undefined {
  const others = elsewhere.filter((e) => e.profiles.length);
  if (!others.length) return undefined;
  const names = others.map((e) => e.folder.replace(/\$\(/g, '$ ('));
  const which = `${names.slice(0, 2).join(', ')}${names.length > 2 ? '…' : ''}`;
  const each = others.slice(0, 3).map((e) => `folder "${e.folder}" connects to ${e.profiles.slice(0, 2).map((p) => `"${p}"`).join(', ')}${e.profiles.length > 2 ? '…' : ''}`).join('; ');
  return {
    text: `$(database) PG Lens: ${folders} folders, ${others.length} with a connection (${which})`,
    tooltip: `The files of ${here ? `folder "${here}"` : 'this folder'} have no connection profile. ${each.charAt(0).toUpperCase()}${each.slice(1)}: open one of its files and PG Lens connects for it. Click for the connection status.`,
  };
}

/**
 * The status bar while not connected after a failure: the profile and why in the text itself, the whole reason in the
 * tooltip (person20 LOW 8: after a reload the saved profile failed with "Password authentication failed" in the log
 * only, and the status bar said "PG Lens: not connected"). A password missing in a browser window says where it went.
 */
export function notConnectedStatus(error: string, failure?: ConnectFailure): { text: string; tooltip: string } {
  if (!failure) return { text: '$(database) PG Lens: not connected', tooltip: `${error}\n\nClick to connect.` };
  const words = failureWords(failure.code, !!failure.noPassword);
  const where = failure.noPassword
    ? failure.web
      ? '\n\nNo password is saved for this profile in this browser: VS Code in a browser (code-server) keeps saved passwords in the browser\'s storage, so a new browser or browser profile has none. Click to type it (it is saved again when it works), or set PGPASSWORD or ~/.pgpass on the server.'
      : '\n\nNo password is saved for this profile (nor PGPASSWORD or ~/.pgpass). Click to type it (it is saved when it works).'
    : '\n\nClick to connect.';
  // A profile's name is text: no $(icon) of its own in the status bar.
  return { text: `$(warning) PG Lens: ${failure.profile.replace(/\$\(/g, '$ (')} — ${words}`, tooltip: `${error}${where}` };
}

/**
 * The notice after Remove Connection: only what changed (person29 L9: 'removed "shop copy". Connected to shop (demo).'
 * when the connection was on shop (demo) before and after). The connection is named when it changed (the removed one was
 * in use and another took its place), said gone when none is left.
 */
export function removedConnectionNotice(removed: string, before: string | undefined, after: string | undefined, profilesLeft: number): string {
  const change = after !== undefined
    ? after !== before ? ` Connected to ${after} now.` : ''
    : !profilesLeft ? ' No connection profile is left.' : before !== undefined ? ' Not connected now: Select Connection chooses another.' : '';
  return `PG Lens: removed "${removed}".${change}`;
}
