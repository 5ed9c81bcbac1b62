/**
 * Which profiles the settings define, and who may define what: pure rules shared by the editor's
 * connection manager and commands (and anything else that reads pgLens.connections).
 *
 * Identity: a profile is (environment, user, host, port, database). Its password in SecretStorage is
 * kept under that identity (secretKey), so a profile that claims another environment never finds a
 * production profile's password.
 *
 * Precedence: the user's own settings define profiles; workspace settings (a cloned repository, in
 * a trusted workspace only) may ADD profiles, never redefine or downgrade one the user defined:
 *  - a workspace profile with the name of a user profile is left out (the user's stands);
 *  - a workspace profile for the same server, database and user as a user profile is left out too
 *    (whatever it says — another environment, sslmode=disable, another name — the user's profile is
 *    the one that reaches that server with that role).
 */
import { splitPassword } from './detect';
import { type ConnectionProfile, type Environment, ENVIRONMENTS, normalizeProfile } from './profile';
import { errorMessage } from '../safeText';


type ProfileSource = 'user' | 'workspace';

export interface SourcedProfile {
  profile: ConnectionProfile;
  origin: ProfileSource;
  /** The entry as written in its scope's list, and its position there. */
  raw: unknown;
  index: number;
  /** A user profile that stands for a workspace profile left out for it (same name, or same server, database and user). */
  standsForWorkspace?: boolean;
}

/** Server, database and user: what the password belongs to on the server's side. */
function endpoint(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>): string {
  return JSON.stringify([p.host.toLowerCase(), p.port, p.database, p.user]);
}

/**
 * The profiles in force, user ones first. `problems` are one line each, for the log (invalid
 * profiles, refused redefinitions, raised environments); none of them holds a password.
 */
export function mergeConnectionSettings(user: readonly unknown[], workspace: readonly unknown[] | undefined): { profiles: SourcedProfile[]; problems: string[] } {
  const problems: string[] = [];
  const out: SourcedProfile[] = [];
  const read = (list: readonly unknown[], origin: ProfileSource): SourcedProfile[] =>
    list.flatMap((raw, index) => {
      try {
        return [{ profile: normalizeProfile(raw, index), origin, raw, index }];
      } catch (e) {
        problems.push(`Ignoring connection profile ${index + 1} of the ${origin} settings: ${errorMessage(e)}`);
        return [];
      }
    });
  const userEntries = read(user, 'user');
  out.push(...userEntries);
  const users = userEntries.map((e) => e.profile);
  const names = new Set(users.map((p) => p.name));
  const owned = new Map(users.map((p) => [endpoint(p), p]));
  for (const entry of read(workspace ?? [], 'workspace')) {
    const p = entry.profile;
    if (names.has(p.name)) {
      const mineByName = userEntries.find((u) => u.profile.name === p.name);
      if (mineByName) mineByName.standsForWorkspace = true;
      problems.push(`Ignoring workspace connection profile "${p.name}": a profile of that name is defined in your user settings, and a workspace cannot redefine it.`);
      continue;
    }
    const mine = owned.get(endpoint(p));
    if (mine) {
      const standIn = userEntries.find((u) => u.profile === mine);
      if (standIn) standIn.standsForWorkspace = true;
      problems.push(`Ignoring workspace connection profile "${p.name}": your user settings define "${mine.name}" (${mine.environment}) for the same server, database and user, and a workspace cannot redefine it.`);
      continue;
    }
    names.add(p.name);
    out.push(entry);
  }
  return { profiles: out, problems };
}

/**
 * Where a workspace's settings live, as a person names the file: a multi-root workspace keeps them in its
 * .code-workspace file (untitled: not saved yet), a folder in .vscode/settings.json.
 */
export function workspaceSettingsFile(workspaceFile: { scheme: string; path: string } | undefined): string {
  if (!workspaceFile) return '.vscode/settings.json';
  if (workspaceFile.scheme === 'untitled') return 'the untitled workspace';
  return workspaceFile.path.split('/').pop() || workspaceFile.path;
}

/**
 * The user profile a new workspace profile would be left out for (same name, or same server, database and user), or
 * undefined when the workspace may add it. Add Connection asks before writing: a profile written and then left out is
 * announced as added while another name stays in the status bar, and is in neither Select nor Remove Connection.
 */
export function userProfileStandingFor(user: readonly unknown[], candidate: unknown): string | undefined {
  const { profiles } = mergeConnectionSettings(user, [candidate]);
  if (profiles.some((p) => p.origin === 'workspace')) return undefined;
  return profiles.find((p) => p.standsForWorkspace)?.profile.name;
}

/**
 * The name of the profile to connect to. `chosen` is pgLens.activeConnection as each scope sets it. The workspace's own
 * choice comes first. A workspace that keeps its own connection list opens on one of its profiles: a choice in user
 * settings was made in another folder (user settings follow the person from folder to folder) and counts here only when
 * it names one of this workspace's profiles. Otherwise the user's choice, else the first profile.
 */
export function activeProfileName(profiles: readonly Pick<SourcedProfile, 'profile' | 'origin' | 'standsForWorkspace'>[], chosen: { user?: string; workspace?: string }, workspaceHasList: boolean): string | undefined {
  const has = (list: readonly Pick<SourcedProfile, 'profile'>[], name: string | undefined) => name !== undefined && list.some((p) => p.profile.name === name);
  if (has(profiles, chosen.workspace)) return chosen.workspace;
  // The workspace's profiles, and the user's that stand for those left out (the same database under the user's name).
  const own = workspaceHasList ? profiles.filter((p) => p.origin === 'workspace' || p.standsForWorkspace) : [];
  const candidates = own.length ? own : profiles;
  if (has(candidates, chosen.user)) return chosen.user;
  return candidates[0]?.profile.name;
}

/**
 * Connection strings written by hand into settings may hold a password. What to store in
 * SecretStorage (under the profile's secret key) and the list to write back without it.
 * Entries that do not parse are left as they are (their error is reported without their text).
 */
export function passwordsOutOfSettings(list: readonly unknown[]): { next: unknown[]; moves: { profile: ConnectionProfile; password: string }[] } {
  const next: unknown[] = [];
  const moves: { profile: ConnectionProfile; password: string }[] = [];
  for (const [i, raw] of list.entries()) {
    const text = typeof raw === 'string' ? raw : typeof (raw as { connectionString?: unknown })?.connectionString === 'string' ? ((raw as { connectionString: string }).connectionString) : undefined;
    const split = text === undefined ? undefined : splitPassword(text);
    if (!split?.password) {
      next.push(raw);
      continue;
    }
    const stripped = typeof raw === 'string' ? split.text : { ...(raw as object), connectionString: split.text };
    let profile: ConnectionProfile;
    try {
      profile = normalizeProfile(stripped, i);
    } catch {
      next.push(raw);
      continue;
    }
    moves.push({ profile, password: split.password });
    next.push(stripped);
  }
  return { next, moves };
}

/** A host name that says production (prod, prd, production or live as a word of the name). */
export function looksLikeProduction(host: string): boolean {
  if (!host || host.startsWith('/') || /^(localhost|127\.|::1$|\[::1\])/i.test(host)) return false;
  return /(^|[^a-z])(prod|prd|production|live)([^a-z]|$)/i.test(host);
}

export function isEnvironment(v: unknown): v is Environment {
  return typeof v === 'string' && (ENVIRONMENTS as readonly string[]).includes(v);
}
