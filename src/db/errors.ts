/**
 * One clear line for every way talking to PostgreSQL can fail. No stack traces, never a password.
 */
import { type ConnectionProfile, ConnectionConfigError } from '../core/connection/profile';

export class PgLensError extends Error {
  constructor(message: string, readonly code?: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'PgLensError';
  }
}

/** The error of a statement sent on a Database closed meanwhile (a profile switch, Disconnect): nothing more can run on it. */
export function connectionClosed(e: unknown): boolean {
  return e instanceof PgLensError && e.code === 'CLOSED';
}

/** Thrown when an action would write on a read-only (production) profile. */
export class ReadOnlyProfileError extends PgLensError {
  constructor(action: string, profileName: string) {
    super(`${action} is not allowed: "${profileName}" is a production profile, which PG Lens treats as read-only.`, 'READ_ONLY');
  }
}

type Where = Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>;

const SQLSTATE_TEXT: Record<string, (e: any, w?: Where) => string> = {
  '28P01': (_e, w) => `Password authentication failed${w ? ` for user "${w.user}"` : ''}.`,
  '28000': (e) => `The server refused the connection: ${firstLine(e.message)}`,
  '3D000': (e) => `${capital(firstLine(e.message))}.`,
  '57014': () => 'The statement was cancelled (statement timeout or cancel request).',
  '55P03': () => 'Gave up waiting for a lock (lock_timeout).',
  '57P01': () => 'The server closed our session (terminated by an administrator or a restart). The next command reconnects.',
  '57P02': () => 'The server closed our session (crash shutdown). The next command reconnects.',
  '57P03': () => 'The server is starting up or shutting down; try again in a moment.',
  '53300': () => 'The server has no free connection slots (too many clients).',
  '25006': () => 'The server refused to write: the session is read-only.',
  '42501': (e) => `Permission denied: ${firstLine(e.message)}`,
};

function firstLine(s: unknown): string {
  return String(s ?? '').split('\n')[0].trim();
}
function capital(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Turn anything thrown by pg / net / tls into one line a user can act on. */
export function describeError(e: unknown, where?: Where): string {
  if (e instanceof PgLensError || e instanceof ConnectionConfigError) return e.message;
  const err = e as any;
  const at = where ? ` at ${where.host}:${where.port}` : '';
  const code: string | undefined = err?.code;
  if (code && SQLSTATE_TEXT[code]) return SQLSTATE_TEXT[code](err, where);
  switch (code) {
    case 'ECONNREFUSED':
      return `No PostgreSQL is listening${at} (connection refused).`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Host not found: ${where?.host ?? err?.hostname ?? 'unknown host'}.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `The server${at} cannot be reached (${code}).`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection${at} was closed by the server. The next command reconnects.`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `The server's SSL certificate was not accepted (${code}); check sslmode and sslrootcert.`;
  }
  const msg = firstLine(err?.message ?? e);
  if (/timeout expired|Connection terminated due to connection timeout/i.test(msg)) return `Timed out connecting${at}.`;
  if (/The server does not support SSL connections/i.test(msg)) return `The server${at} does not support SSL; use sslmode=disable or prefer.`;
  if (/Connection terminated unexpectedly|Client has encountered a connection error/i.test(msg)) return `The connection${at} was lost. The next command reconnects.`;
  if (/password must be a string|SASL: SCRAM-SERVER-FIRST-MESSAGE: client password/i.test(msg)) return `The server asks for a password${where ? ` for user "${where.user}"` : ''} and none is set.`;
  if (err?.severity && msg) return msg; // a server error: its own message is the clearest line
  return msg || 'Unknown error.';
}

