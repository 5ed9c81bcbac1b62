/**
 * Proofs made by real trial index builds (advisor.ts), kept per server and role and reused while their key — statement,
 * kept indexes, candidate and the tables' snapshot — is the same. This module holds no `pg`: the editor installs its
 * storage here at activation (keepTrialProofsIn), so the proofs outlive a window reload; each "Developer: Reload
 * Window" built every trial index again before, on unchanged tables (issue 20, person36 L7).
 */
import type { PlanSummary } from '../core/advice/planSummary';
import type { Proof } from './hypo';

/**
 * How long a real trial build's proof is reused. The tables' snapshot in its key (indexes, statistics, row estimate, size
 * in 5 % steps) changes on DDL, ANALYZE or growth — what the planner sees — so the age is only an outer bound: at 10
 * minutes, a Disconnect and Reconnect a quarter of an hour later built 10 trial indexes again on unchanged tables
 * (person36 M1).
 */
export const PROOF_TTL_MS = 60 * 60_000;
/** At most this many proofs are held (the newest; the in-memory store too) and kept across a reload, in at most TRIAL_PROOFS_KEEP_BYTES of JSON. */
export const TRIAL_PROOFS_KEEP = 500;
export const TRIAL_PROOFS_KEEP_BYTES = 1024 * 1024;

interface CachedProof {
  at: number;
  proof: Omit<Proof, 'undo'>;
  /** The tables' snapshot the proof was made on (a statement's latest proof, kept by the tables' structure: advisor.ts keepProofIn). */
  snapshot?: string;
}

/** Proofs of real trial builds, reused for PROOF_TTL_MS (AdviseOptions.trialProofs; the default is per server and role). */
export interface TrialProofs {
  get(key: string): CachedProof | undefined;
  set(key: string, v: CachedProof): void;
  /** The proofs younger than PROOF_TTL_MS, oldest first. */
  entries(): [string, CachedProof][];
}

export function newTrialProofs(onSet?: () => void): TrialProofs {
  const cache = new Map<string, CachedProof>();
  return {
    get(key) {
      const v = cache.get(key);
      if (v && Date.now() - v.at > PROOF_TTL_MS) cache.delete(key);
      return v && Date.now() - v.at <= PROOF_TTL_MS ? v : undefined;
    },
    set(key, v) {
      cache.delete(key);
      cache.set(key, v);
      // Oldest first out (a Map keeps insertion order).
      while (cache.size > TRIAL_PROOFS_KEEP) cache.delete(cache.keys().next().value!);
      onSet?.();
    },
    entries() {
      const now = Date.now();
      return [...cache].filter(([, v]) => now - v.at <= PROOF_TTL_MS).sort((a, b) => a[1].at - b[1].at);
    },
  };
}

/** One proof as kept across a reload: pure data (the server and role's key, the proof's key, when it was made, the proof). */
export interface KeptTrialProof {
  server: string;
  key: string;
  at: number;
  proof: Omit<Proof, 'undo'>;
  snapshot?: string;
}

/**
 * Where the process keeps its proofs across a restart (the editor: its workspaceState). `load` gives what `save` was
 * given last (read through parseKeptTrialProofs: anything malformed is dropped); `save` is called once an advice has
 * kept new proofs, with the newest TRIAL_PROOFS_KEEP in TRIAL_PROOFS_KEEP_BYTES.
 */
export interface TrialProofStorage {
  load(): unknown;
  save(entries: KeptTrialProof[]): void;
}

/**
 * Per server and role (advisor.ts ofServerRole's key) within this process: proofs made by real trial builds, by
 * statement, kept indexes, candidate and tables' snapshot (each table's identity, its indexes and statistics: a proof
 * made before a DDL or an ANALYZE is never found again). Per connection object before: a profile switch and back, or a
 * reconnect, built the same definitions again on the same unchanged tables (person32 L2: 125 builds in 35 min;
 * person33: 13 after a switch back). Read only where a real build may be made (a development profile): a production
 * profile of the same server never shows a proof made on it.
 */
const stores = new Map<string, TrialProofs>();
let storage: TrialProofStorage | undefined;
let unsaved = false;

/** The process's proofs of a server and role (its key: advisor.ts serverRoleKey). */
export function serverTrialProofs(server: string): TrialProofs {
  let v = stores.get(server);
  if (!v) stores.set(server, (v = newTrialProofs(() => (unsaved = true))));
  return v;
}

/**
 * The process's proofs are kept in `s` from now on (undefined: in memory only): the stores start again from what `s`
 * kept — proofs past PROOF_TTL_MS dropped — as a new process would after a window reload. Returns how many were read back.
 */
export function keepTrialProofsIn(s: TrialProofStorage | undefined): number {
  stores.clear();
  storage = s;
  unsaved = false;
  if (!s) return 0;
  let kept: KeptTrialProof[];
  try {
    kept = parseKeptTrialProofs(s.load());
  } catch {
    kept = [];
  }
  for (const e of kept) serverTrialProofs(e.server).set(e.key, { at: e.at, proof: e.proof, ...(e.snapshot ? { snapshot: e.snapshot } : {}) });
  unsaved = false;
  return kept.length;
}

/** Gives the storage the proofs to keep when an advice has kept new ones since the last save (advisor.ts, after each advice). */
export function saveTrialProofs(): void {
  if (!unsaved || !storage) return;
  unsaved = false;
  storage.save(keptTrialProofs());
}

/** The newest TRIAL_PROOFS_KEEP proofs younger than PROOF_TTL_MS whose JSON fits in TRIAL_PROOFS_KEEP_BYTES, oldest first. */
function keptTrialProofs(): KeptTrialProof[] {
  const all: KeptTrialProof[] = [];
  for (const [server, store] of stores) for (const [key, v] of store.entries()) all.push({ server, key, at: v.at, proof: v.proof, ...(v.snapshot ? { snapshot: v.snapshot } : {}) });
  all.sort((a, b) => b.at - a.at);
  const out: KeptTrialProof[] = [];
  let bytes = 2;
  for (const e of all) {
    if (out.length >= TRIAL_PROOFS_KEEP) break;
    const size = Buffer.byteLength(JSON.stringify(e)) + 1;
    // One too large for what is left is skipped; an older, smaller one may still fit.
    if (bytes + size > TRIAL_PROOFS_KEEP_BYTES) continue;
    bytes += size;
    out.push(e);
  }
  return out.reverse();
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function isPlanSummary(v: unknown): v is PlanSummary {
  if (!v || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return isNum(p.totalCost) && Array.isArray(p.nodes) && p.nodes.every((n) => !!n && typeof n === 'object') && Array.isArray(p.indexNames) && p.indexNames.every(isStr) && Array.isArray(p.seqScans) && p.seqScans.every((s) => !!s && typeof s === 'object');
}

/**
 * Kept proofs read back from storage: well-formed ones younger than PROOF_TTL_MS (and not from the future), at most
 * TRIAL_PROOFS_KEEP; anything else is dropped, never trusted.
 */
export function parseKeptTrialProofs(raw: unknown, now = Date.now()): KeptTrialProof[] {
  if (!Array.isArray(raw)) return [];
  const out: KeptTrialProof[] = [];
  for (const e of raw.slice(-TRIAL_PROOFS_KEEP)) {
    if (!e || typeof e !== 'object') continue;
    const { server, key, at, proof, snapshot } = e as Record<string, unknown>;
    if (!isStr(server) || !isStr(key) || !key || !isNum(at) || now - at > PROOF_TTL_MS || at > now + 60_000 || !proof || typeof proof !== 'object') continue;
    const p = proof as Record<string, unknown>;
    if ((p.verifiedBy !== 'transaction' && p.verifiedBy !== 'hypopg') || !isPlanSummary(p.plan) || !isNum(p.costAfter) || typeof p.planUsesIndex !== 'boolean' || !(p.indexSizeBytes === null || isNum(p.indexSizeBytes)) || !isStr(p.planIndexName)) continue;
    // The plan before the index (a proof reused by shape only on the same footing; person38 H1): dropped when malformed.
    const b = p.before as Record<string, unknown> | undefined;
    const before = b && typeof b === 'object' && isNum(b.cost) && Array.isArray(b.scans) && b.scans.every(isStr) ? { before: { cost: b.cost, scans: b.scans as string[], ...(isNum(b.rows) ? { rows: b.rows } : {}) } } : {};
    out.push({ server, key, at, proof: { verifiedBy: p.verifiedBy, plan: p.plan, costAfter: p.costAfter, planUsesIndex: p.planUsesIndex, indexSizeBytes: p.indexSizeBytes, planIndexName: p.planIndexName, ...before }, ...(isStr(snapshot) && snapshot ? { snapshot } : {}) });
  }
  return out;
}
