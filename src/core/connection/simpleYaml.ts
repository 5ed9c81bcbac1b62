/**
 * A reader of the plain YAML that docker-compose files and app configs hold: block mappings and sequences of scalars or
 * mappings, `# comments`, quoted scalars, one-line flow sequences (`[a, b]`). Block scalars (`|`, `>`) are skipped,
 * anchors and tags are left as text, and nothing is evaluated. Enough to read a compose file's services and a config's
 * `db:` block; not a YAML parser (the project's other readers — Rails' database.yml, Spring's application.yml — read
 * their few keys by hand too; a full parser would be a new runtime dependency for two blocks of keys).
 */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
}

function scalar(raw: string): YamlValue {
  const t = raw.trim();
  if (/^\[.*\]$/.test(t)) return t.slice(1, -1).split(',').map((x) => scalar(x)).filter((x) => x !== '');
  const q = /^(["'])(.*)\1$/.exec(t);
  return q ? (q[1] === "'" ? q[2].replace(/''/g, "'") : q[2].replace(/\\"/g, '"')) : t;
}

/** The text without a trailing `# comment` (a `#` inside quotes, or not after a space, stays). */
function uncomment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

const MAX_DEPTH = 64;
const KEY = /^((?:"[^"]*"|'[^']*'|[^\s#:][^:#]*?))\s*:(?:\s+(.*)|$)/;

export function readSimpleYaml(text: string): YamlValue | undefined {
  const lines: Line[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i].replace(/\t/g, '  ');
    const body = uncomment(l);
    if (!body.trim() || /^\s*(---|\.\.\.)\s*$/.test(body)) continue;
    const indent = body.length - body.trimStart().length;
    lines.push({ indent, text: body.trim() });
    // A block scalar (`key: |`, `- |`): its more-indented lines are text, skipped.
    if (/(?:^|:\s|^-\s*)[|>][-+0-9]*$/.test(body.trim())) {
      while (i + 1 < raw.length && (!raw[i + 1].trim() || raw[i + 1].length - raw[i + 1].trimStart().length > indent)) i++;
    }
  }
  let pos = 0;
  // Nesting deeper than any config holds (a crafted file indenting every line further) is not read: no deep recursion.
  let depth = 0;
  const block = (indent: number): YamlValue | undefined => {
    if (pos >= lines.length || lines[pos].indent < indent || depth > MAX_DEPTH) return undefined;
    depth++;
    try {
      return blockAt();
    } finally {
      depth--;
    }
  };
  const blockAt = (): YamlValue | undefined => {
    const at = lines[pos].indent;
    if (lines[pos].text.startsWith('- ') || lines[pos].text === '-') {
      const list: YamlValue[] = [];
      while (pos < lines.length && lines[pos].indent === at && (lines[pos].text.startsWith('- ') || lines[pos].text === '-')) {
        const rest = lines[pos].text.slice(1).trim();
        if (!rest) {
          pos++;
          list.push(block(at + 1) ?? '');
        } else if (KEY.test(rest) && !/^["']/.test(rest)) {
          // `- key: value` then more keys of the same item, indented past the dash.
          lines[pos] = { indent: at + 2, text: rest };
          list.push(block(at + 2) ?? '');
        } else {
          pos++;
          list.push(scalar(rest));
        }
      }
      return list;
    }
    const map: { [key: string]: YamlValue } = {};
    while (pos < lines.length && lines[pos].indent === at) {
      const m = KEY.exec(lines[pos].text);
      if (!m) {
        pos++;
        continue;
      }
      const key = String(scalar(m[1]));
      const value = m[2]?.trim();
      pos++;
      if (value && !/^[|>][-+0-9]*$/.test(value) && !/^&\w+$/.test(value)) map[key] = scalar(value.replace(/^&\w+\s+/, ''));
      else map[key] = (pos < lines.length && (lines[pos].indent > at || (lines[pos].indent === at && lines[pos].text.startsWith('- '))) ? block(lines[pos].indent) : undefined) ?? '';
    }
    return map;
  };
  return lines.length ? block(lines[0].indent) : undefined;
}

/** `v` as a mapping, or undefined. */
export function yamlMap(v: YamlValue | undefined): { [key: string]: YamlValue } | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
