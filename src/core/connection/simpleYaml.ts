/**
 * YAML as the connection detectors read it (docker compose files, app configs): the `yaml` library parses the first
 * document of the file; scalars become their text (`5432` → `'5432'`, `true` → `'true'`, null → `''`), mappings and
 * sequences stay. Nothing is evaluated (no custom tags), aliases are capped, a file YAML cannot read gives undefined,
 * and nesting deeper than any config holds is cut off instead of recursed into.
 */
import { parseAllDocuments } from 'yaml';

export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

const MAX_DEPTH = 64;

function toValue(v: unknown, depth: number): YamlValue | undefined {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(v)) return v.map((x) => toValue(x, depth + 1) ?? '');
  if (v instanceof Map) return toValue(Object.fromEntries([...v].map(([k, x]) => [String(k), x])), depth);
  const out: { [key: string]: YamlValue } = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const value = toValue(x, depth + 1);
    if (value !== undefined) out[k] = value;
  }
  return out;
}

export function readSimpleYaml(text: string): YamlValue | undefined {
  try {
    const doc = parseAllDocuments(text, { uniqueKeys: false, logLevel: 'silent', customTags: [] })[0];
    if (!doc || !('toJS' in doc) || doc.errors.length) return undefined;
    const js: unknown = doc.toJS({ maxAliasCount: 100 });
    return js === null || js === undefined ? undefined : toValue(js, 0);
  } catch {
    return undefined;
  }
}

/** `v` as a mapping, or undefined. */
export function yamlMap(v: YamlValue | undefined): { [key: string]: YamlValue } | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
