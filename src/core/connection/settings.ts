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


/**
 * The settings scope a profile comes from: the user's own; the workspace's (a folder's .vscode/settings.json, or the
 * .code-workspace file of a multi-root workspace); a folder's own .vscode/settings.json inside a multi-root workspace
 * (its files use that folder's list first, as VS Code reads a resource-scoped setting for a file).
 */
export type ProfileSource = 'user' | 'workspace' | 'folder';

export interface SourcedProfile {
  profile: ConnectionProfile;
  origin: ProfileSource;
  /** The entry as written in its scope's list, and its position there. */
  raw: unknown;
  index: number;
  /** A user profile that stands for a workspace profile left out for it (same name, or same server, database and user). */
  standsForWorkspace?: boolean;
}

/** A profile written in settings but not in effect, the one used in its place, and why: listed, never hidden without a word. */
export interface LeftOutProfile extends SourcedProfile {
  /** The profile in effect in its place. */
  usedInstead: string;
  /** One sentence a person reads in Select Connection. */
  why: string;
}

/** Server, database and user: what the password belongs to on the server's side. */
function endpoint(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>): string {
  return JSON.stringify([p.host.toLowerCase(), p.port, p.database, p.user]);
}

/**
 * The profiles in force, user ones first, then the folder's own (multi-root), then the workspace's. `problems` are one
 * line each, for the log (invalid profiles, refused redefinitions, raised environments); none of them holds a password.
 * `leftOut` are the profiles written but not in effect, each with the profile used instead and why (Select Connection
 * lists them: a same-named or same-login profile of another scope is never hidden without a word).
 * Precedence: a repository's profile (workspace or folder) never redefines a user's; within the repository, a folder's
 * profile comes before the workspace file's of the same name for that folder's files (VS Code's order for a resource).
 */
export function mergeConnectionSettings(user: readonly unknown[], workspace: readonly unknown[] | undefined, folder?: readonly unknown[]): { profiles: SourcedProfile[]; problems: string[]; leftOut: LeftOutProfile[] } {
  const problems: string[] = [];
  const leftOut: LeftOutProfile[] = [];
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
  const fromFolder = new Set<string>();
  for (const entry of [...read(folder ?? [], 'folder'), ...read(workspace ?? [], 'workspace')]) {
    const p = entry.profile;
    const scope = entry.origin === 'folder' ? "folder's" : 'workspace';
    if (entry.origin === 'workspace' && fromFolder.has(p.name)) {
      const why = `the folder's own settings define "${p.name}" too, and a folder's profile comes first for its files`;
      problems.push(`Not using workspace connection profile "${p.name}" for this folder: ${why}.`);
      leftOut.push({ ...entry, usedInstead: p.name, why });
      continue;
    }
    if (names.has(p.name)) {
      const mineByName = userEntries.find((u) => u.profile.name === p.name);
      if (mineByName) mineByName.standsForWorkspace = true;
      problems.push(`Ignoring ${scope} connection profile "${p.name}": a profile of that name is defined in your user settings, and a workspace cannot redefine it.`);
      leftOut.push({ ...entry, usedInstead: p.name, why: `your user settings define a profile named "${p.name}", and a workspace cannot redefine a user's profile` });
      continue;
    }
    const mine = owned.get(endpoint(p));
    if (mine) {
      const standIn = userEntries.find((u) => u.profile === mine);
      if (standIn) standIn.standsForWorkspace = true;
      problems.push(`Ignoring ${scope} connection profile "${p.name}": your user settings define "${mine.name}" (${mine.environment}) for the same server, database and user, and a workspace cannot redefine it.`);
      leftOut.push({ ...entry, usedInstead: mine.name, why: `your user settings define "${mine.name}" for the same server, database and user, and a workspace cannot redefine a user's login` });
      continue;
    }
    names.add(p.name);
    if (entry.origin === 'folder') fromFolder.add(p.name);
    out.push(entry);
  }
  return { profiles: out, problems, leftOut };
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
 * What Remove Connection offers: every profile in effect, then every one written in settings but left out (a workspace
 * profile a user's profile of the same name or login stands in for). A left-out one was not reachable before (person27:
 * the workspace's copy could not be removed at all); removing it touches nothing in use — `leftOut` says so, and the
 * command then neither disconnects nor forgets a choice naming the profile that stands.
 */
export function removableProfiles(inEffect: readonly SourcedProfile[], leftOut: readonly LeftOutProfile[]): (SourcedProfile & { leftOut?: LeftOutProfile })[] {
  return [...inEffect, ...leftOut.map((l) => ({ ...l, leftOut: l }))];
}

/** pgLens.activeConnection as each scope sets it (a folder's: multi-root only), and the choice made here. */
export interface ActiveChoice {
  user?: string;
  workspace?: string;
  folder?: string;
  /**
   * The profile picked with Select or Add Connection for these files in a workspace whose choice is a shared settings
   * file's (the workspace's or a folder's .vscode/settings.json): kept on this machine, not written to that file, it
   * comes first while it names a profile.
   */
  here?: string;
}

const SPECIFIC: Record<ProfileSource, number> = { user: 0, workspace: 1, folder: 2 };

/**
 * The name of the profile to connect to. `chosen` is pgLens.activeConnection as each scope sets it; `ownList` is the most
 * specific scope that keeps its own connection list (a folder's in a multi-root workspace, else the workspace's; `true`
 * reads as 'workspace', `false` as none). The choice made here (`here`) first, then the most specific. A scope with its own list opens on one of
 * its profiles: a choice made in a less specific scope (user settings follow the person from folder to folder; a
 * .code-workspace file's choice is made for every folder) counts there only when it names one of that list's profiles.
 * Otherwise the first of that list, else the first profile.
 */
export function activeProfileName(profiles: readonly Pick<SourcedProfile, 'profile' | 'origin' | 'standsForWorkspace'>[], chosen: ActiveChoice, ownList: ProfileSource | boolean | undefined): string | undefined {
  const has = (list: readonly Pick<SourcedProfile, 'profile'>[], name: string | undefined) => name !== undefined && list.some((p) => p.profile.name === name);
  const own: ProfileSource | undefined = ownList === true ? 'workspace' : ownList === false ? undefined : ownList;
  // The scope's own profiles, and the user's that stand for those left out (the same database under the user's name).
  const mine = own && own !== 'user' ? profiles.filter((p) => p.origin === own || p.standsForWorkspace) : [];
  const candidates = mine.length ? mine : profiles;
  if (has(profiles, chosen.here)) return chosen.here;
  for (const scope of ['folder', 'workspace', 'user'] as const) {
    const name = chosen[scope];
    if (SPECIFIC[scope] >= SPECIFIC[own ?? 'user'] ? has(profiles, name) : has(candidates, name)) return name;
  }
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

/** A host on this machine: a Unix socket folder, localhost, a loopback address (an empty host is libpq's default socket). */
export function isLocalHost(host: string): boolean {
  return !host || host.startsWith('/') || /^(localhost$|127\.|::1$|\[::1\]$)/i.test(host);
}

/** A host name that says production (prod, prd, production or live as a word of the name). */
export function looksLikeProduction(host: string): boolean {
  if (isLocalHost(host)) return false;
  return /(^|[^a-z])(prod|prd|production|live)([^a-z]|$)/i.test(host);
}

export function isEnvironment(v: unknown): v is Environment {
  return typeof v === 'string' && (ENVIRONMENTS as readonly string[]).includes(v);
}
