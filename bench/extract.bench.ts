/**
 * SQL discovery speed: a generated repository of ≥200,000 lines in the supported languages
 * (in memory), extracted file by file through the public async API; lines per second on one core
 * (JavaScript runs extraction on one thread), and the largest event-loop pause while a
 * 10,000-line file is processed (monitorEventLoopDelay plus a 1 ms setInterval drift probe).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { configureTreeSitter } from '../src/core/syntax/treeSitter';
import { extractSqlSitesDetailed, prepareExtraction } from '../src/core/extract/index';

const EXT: Record<string, string> = { typescript: 'ts', javascript: 'js', python: 'py', go: 'go', java: 'java', ruby: 'rb', sql: 'sql' };

/** One block of ordinary code with a few SQL sites; `i` makes names unique. */
function block(lang: string, i: number): string {
  switch (lang) {
    case 'typescript':
      return `
/** Loads the orders of a customer (${i}). */
export async function loadOrders${i}(pool: Pool, customerId: number, status: string): Promise<Order[]> {
  const started = Date.now();
  const { rows } = await pool.query('SELECT id, total, created_at FROM orders WHERE customer_id = $1 AND status = $2 ORDER BY created_at DESC', [customerId, status]);
  logger.info(\`loaded \${rows.length} orders in \${Date.now() - started} ms\`);
  const labels = rows.map((r: any) => ({ id: r.id, label: 'Order #' + r.id, select: false }));
  if (labels.length > 100) throw new Error('Select fewer orders, please');
  return rows.map((r: any) => ({ ...r, labels }));
}

export const summary${i} = (sql: any, from: Date) => sql\`SELECT date_trunc('day', created_at) AS d, sum(total) FROM orders WHERE created_at > \${from} GROUP BY 1\`;

const config${i} = { retries: 3, timeoutMs: 5000, name: 'worker-${i}', tags: ['a', 'b', 'c'] };
export function retry${i}(n: number): number {
  let delay = 100;
  for (let k = 0; k < n && k < config${i}.retries; k++) delay *= 2;
  return Math.min(delay, config${i}.timeoutMs);
}
`;
    case 'javascript':
      return `
async function update${i}(client, id, name) {
  // keep names short
  const clean = String(name).trim().slice(0, 80);
  await client.query({ text: 'UPDATE customers SET name = $1, updated_at = now() WHERE id = $2', values: [clean, id] });
  console.log('updated customer', id);
  return { id, name: clean, ok: true };
}
const messages${i} = { empty: 'Nothing to show', choose: 'Select a customer from the list', done: 'Update complete' };
function format${i}(n) {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 }) + ' EUR';
}
module.exports.update${i} = update${i};
`;
    case 'python':
      return `

def fetch_customers_${i}(conn, country, limit=50):
    """Return the newest customers of a country."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, email, created_at FROM customers "
            "WHERE country = %(country)s ORDER BY created_at DESC LIMIT %(limit)s",
            {"country": country, "limit": limit},
        )
        rows = cur.fetchall()
    log.info("fetched %d customers for %s", len(rows), country)
    return [dict(id=r[0], email=r[1], created=r[2]) for r in rows]


class Cache${i}:
    def __init__(self, size=128):
        self.size = size
        self.items = {}

    def get(self, key):
        return self.items.get(key)
`;
    case 'go':
      return `
// CountOrders${i} counts the orders of a customer.
func CountOrders${i}(ctx context.Context, db *sql.DB, customerID int64) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, \`SELECT count(*) FROM orders WHERE customer_id = $1 AND status <> 'cancelled'\`, customerID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count orders for %d: %w", customerID, err)
	}
	return n, nil
}

func clamp${i}(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
`;
    case 'java':
      return `
  /** Finds products by category (${i}). */
  public List<Product> byCategory${i}(Connection conn, long categoryId) throws SQLException {
    List<Product> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT id, name, price FROM products WHERE category_id = ? AND active")) {
      ps.setLong(1, categoryId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Product(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3)));
      }
    }
    LOG.info("Select returned " + out.size() + " products");
    return out;
  }

  private static int square${i}(int x) {
    return x * x;
  }
`;
    case 'ruby':
      return `
  def self.recent_${i}(limit = 20)
    find_by_sql(["SELECT * FROM reviews WHERE rating >= ? ORDER BY created_at DESC LIMIT ?", 4, limit])
  end

  def label_${i}
    "Review ##{id} (#{rating}/5)"
  end

  def score_${i}(weights)
    weights.sum { |w| w * rating }
  end
`;
    case 'sql':
      return `
-- report ${i}
SELECT c.id, c.email, count(o.id) AS orders
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'paid'
WHERE c.created_at > now() - interval '${(i % 30) + 1} days'
GROUP BY c.id, c.email
ORDER BY orders DESC
LIMIT 50;
`;
  }
  return '';
}

function header(lang: string): string {
  switch (lang) {
    case 'typescript': return "import { Pool } from 'pg';\nimport { logger } from './log';\n";
    case 'javascript': return "'use strict';\n";
    case 'python': return 'import logging\nimport psycopg\n\nlog = logging.getLogger(__name__)\n';
    case 'go': return 'package store\n\nimport (\n\t"context"\n\t"database/sql"\n\t"fmt"\n)\n';
    case 'java': return 'package shop;\n\nimport java.sql.*;\nimport java.util.*;\n\npublic class Repo {\n';
    case 'ruby': return 'class Review < ApplicationRecord\n';
  }
  return '';
}

function footer(lang: string): string {
  return lang === 'java' ? '}\n' : lang === 'ruby' ? 'end\n' : '';
}

export function makeFileForTest(lang: string, targetLines: number, seed: number): string {
  return makeFile(lang, targetLines, seed);
}

function makeFile(lang: string, targetLines: number, seed: number): string {
  let text = header(lang);
  let i = seed;
  while (text.split('\n').length < targetLines) text += block(lang, i++);
  return text + footer(lang);
}

function lines(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export async function run(): Promise<Record<string, unknown>> {
  configureTreeSitter(path.join(__dirname, '..', 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm'));
  const langs = Object.keys(EXT);
  for (const l of langs) await prepareExtraction('x.' + EXT[l]);

  // The repository: files of 150–900 lines, round-robin over the languages, ≥200,000 lines.
  const files: { name: string; text: string; lines: number }[] = [];
  let total = 0;
  for (let k = 0; total < 200_000; k++) {
    const lang = langs[k % langs.length];
    const text = makeFile(lang, 150 + ((k * 7919) % 750), k * 1000);
    const n = lines(text);
    files.push({ name: `src/f${k}.${EXT[lang]}`, text, lines: n });
    total += n;
  }

  // Warm-up (WASM tiers up after the first parses), not timed.
  for (const f of files.slice(0, langs.length * 3)) await extractSqlSitesDetailed(f.text, f.name);

  const perLang: Record<string, { lines: number; ms: number; sites: number }> = {};
  let sites = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const f of files) {
    const s = performance.now();
    const r = await extractSqlSitesDetailed(f.text, f.name);
    const ms = performance.now() - s;
    const lang = path.extname(f.name).slice(1);
    perLang[lang] ??= { lines: 0, ms: 0, sites: 0 };
    perLang[lang].lines += f.lines;
    perLang[lang].ms += ms;
    perLang[lang].sites += r.sites.length;
    sites += r.sites.length;
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  // Largest event-loop pause while one 10,000-line file is processed.
  const pauses: Record<string, unknown> = {};
  for (const lang of ['typescript', 'python', 'java']) {
    const big = makeFile(lang, 10_000, 777);
    const h = monitorEventLoopDelay({ resolution: 1 });
    let last = performance.now();
    let worstDrift = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstDrift = Math.max(worstDrift, now - last - 1);
      last = now;
    }, 1);
    h.enable();
    const s = performance.now();
    const c0 = process.cpuUsage();
    const r = await extractSqlSitesDetailed(big, 'big.' + EXT[lang]);
    const c = process.cpuUsage(c0);
    const ms = performance.now() - s;
    h.disable();
    clearInterval(timer);
    pauses[lang] = {
      lines: lines(big), wallMs: Math.round(ms), cpuMs: Math.round((c.user + c.system) / 1000), sites: r.sites.length, reason: r.reason,
      maxEventLoopDelayMs: Math.round(h.max / 1e6), maxIntervalDriftMs: Math.round(worstDrift),
    };
  }

  return {
    files: files.length,
    lines: total,
    sites,
    wallMs: Math.round(elapsed),
    cpuMs: Math.round(cpuMs),
    // CPU time of this process: extraction runs on one thread, so this is lines per second per core,
    // and it does not depend on what else the machine runs (wall time does; see loadAverage).
    linesPerSecondPerCore: Math.round(total / (cpuMs / 1000)),
    linesPerSecondWall: Math.round(total / (elapsed / 1000)),
    loadAverage1m: Number(os.loadavg()[0].toFixed(1)),
    targetLinesPerSecond: 50_000,
    perLanguage: Object.fromEntries(Object.entries(perLang).map(([l, v]) => [l, { lines: v.lines, sites: v.sites, linesPerSecondWall: Math.round(v.lines / (v.ms / 1000)) }])),
    tenThousandLineFile: pauses,
    targetMaxPauseMs: 50,
  };
}
