/**
 * Add Connection's order (person40 L4: the profile's name and environment were asked before the password was tried, so
 * a wrong password was found only at the end): the login is tried first; a failure is said in one line with a chance to
 * correct it (another password, another connection string) or cancel, and nothing is written; only a login that works
 * is named and given its environment. Pure: the attempt (src/db) and the prompts (src/vscode) are handed in.
 */
import type { ConnectionProfile, Environment } from './profile';

/** What is tried: host, port, database, user, TLS — the name and environment come after. */
export type Login = Omit<ConnectionProfile, 'name' | 'environment'>;

export interface LoginTarget {
  profile: Login;
  password?: string;
  /** `password` was typed by the person (with the connection string, or asked): a failure is said, never asked again unasked. */
  typedPassword: boolean;
}

/** One attempt's outcome; `message` is one line (db/errors describeError), never the password. */
export type LoginAttempt = { ok: true } | { ok: false; code?: string; message: string; wantsPassword: boolean };

export interface AddConnectionSteps {
  /** Connect once and close (src/db): nothing is written, whatever the outcome. */
  attempt(target: LoginTarget): Promise<LoginAttempt>;
  /** The failure in one line and what to do: a corrected target (a password, an edited connection), or undefined (cancel). */
  correct(target: LoginTarget, failure: Extract<LoginAttempt, { ok: false }>): Promise<LoginTarget | undefined>;
  /** Asked only after a login that works. */
  name(target: LoginTarget): Promise<string | undefined>;
  environment(target: LoginTarget, name: string): Promise<Environment | undefined>;
}

/** What Add Connection saves: a login that worked, its name and environment; undefined when the person cancelled. */
export interface AddedConnection {
  target: LoginTarget;
  name: string;
  environment: Environment;
}

export async function addConnectionDialog(first: LoginTarget, steps: AddConnectionSteps): Promise<AddedConnection | undefined> {
  let target = first;
  for (;;) {
    const tried = await steps.attempt(target);
    if (tried.ok) break;
    const next = await steps.correct(target, tried);
    if (!next) return undefined;
    target = next;
  }
  const name = await steps.name(target);
  if (!name) return undefined;
  const environment = await steps.environment(target, name);
  if (!environment) return undefined;
  return { target, name, environment };
}
