/**
 * One value per process for a module that both bundles hold a copy of (dist/extension.js and the analysis engine's
 * dist/engine.js, docs/architecture.md): the first copy to ask makes it, the other gets the same value. Kept on
 * `globalThis` under `Symbol.for('pgLens.<name>')`.
 */
export function oncePerProcess<T>(name: string, make: () => T): T {
  return ((globalThis as Record<symbol, unknown>)[Symbol.for(`pgLens.${name}`)] ??= make()) as T;
}
