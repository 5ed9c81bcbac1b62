/**
 * A small LRU for plans, keyed by (connection, schema/stats version, SQL, parameter values).
 * A new schema version makes old keys unreachable; dropVersion() frees them at once.
 * Map iteration order is insertion order, so re-inserting on get() gives LRU in O(1).
 */
export class PlanCache<V> {
  private readonly map = new Map<string, { version: string; value: V }>();

  constructor(private readonly max = 500) {}

  static key(connection: string, version: string, sql: string, params?: readonly unknown[]): string {
    return `${connection}\u0000${version}\u0000${params && params.length ? JSON.stringify(params) : ''}\u0000${sql}`;
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, version: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, { version, value });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  /** Drop every entry not planned under `keep` (the current version). Returns how many went. */
  dropOtherVersions(keep: string): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (e.version !== keep) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Drop every entry whose value `test` accepts. Returns how many went. */
  dropWhere(test: (value: V) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (test(e.value)) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
