/**
 * The dashboard webview (browser code). Renders what the extension sends; every database string goes
 * through textContent. Buttons only ASK for an action: the extension checks it against what it
 * offered and confirms it with the user in a modal dialog.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { actionKey, ACTION_TITLES, isDestructive, type MaintenanceAction } from '../core/dashboard/actions';
import type { StatementRow, StatementSortKey } from '../core/dashboard/live';
import type { LiveStats } from '../core/dashboard/types';
import type { HealthFinding } from '../core/health/types';
import type { AuditEntry, ConnectionState, HistoryView, ToExtension, ToWebview } from '../shared/dashboardProtocol';
import { fill, h, table, type Child } from './_dom';
import { fmtBytes, fmtMs, fmtNum, fmtPct, fmtSeconds, oneLine, Series } from './_format';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscodeApi = acquireVsCodeApi();
const send = (m: ToExtension) => vscodeApi.postMessage(m);

interface UiState {
  sort: StatementSortKey;
  mode: 'delta' | 'total';
}
const saved = (vscodeApi.getState() ?? {}) as Partial<UiState>;
const ui: UiState = { sort: saved.sort ?? 'totalMs', mode: saved.mode ?? 'delta' };

let profileName = '';
let readOnly = true;
let replica = false;
let status: ConnectionState = 'connecting';
let statusMessage = '';
let stats: LiveStats | undefined;
let findings: HealthFinding[] = [];
let healthError = '';
let healthAt = 0;
let history: HistoryView | undefined;
let audit: AuditEntry[] = [];
const pending = new Map<string, string>();
/** Findings the user opened stay open across refreshes. */
const openFindings = new Set<string>();
const findingKey = (f: HealthFinding) => `${f.checkId}|${f.objects.map((o) => `${o.kind}:${o.schema ?? ''}.${o.name}`).join('|')}`;
const notes: { text: string; ok: boolean }[] = [];

const series = {
  tps: new Series(['TPS', 'Rollbacks/s']),
  conns: new Series(['Total', 'Active', 'Idle in transaction']),
  cache: new Series(['Cache hit %']),
  rows: new Series(['Rows read/s', 'Rows written/s']),
};

// ---- layout (created once) -----------------------------------------------------------------

const app = document.getElementById('app')!;
const header = h('header', { class: 'header' });
const notesBox = h('div', { class: 'notes', attrs: { role: 'status', 'aria-live': 'polite' } });
const tiles = h('section', { class: 'tiles' });
const charts = h('section', { class: 'charts' });
const statements = h('section', { class: 'panel' });
const activity = h('section', { class: 'panel' });
const blocking = h('section', { class: 'panel' });
const progress = h('section', { class: 'panel' });
const replication = h('section', { class: 'panel' });
const health = h('section', { class: 'panel' });
const trends = h('section', { class: 'panel' });
const auditBox = h('section', { class: 'panel' });
app.append(header, notesBox, tiles, charts, blocking, activity, statements, progress, replication, health, trends, auditBox);

// ---- charts (uPlot, colours from the editor theme) ------------------------------------------

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}
const palette = () => [cssVar('--vscode-charts-blue', '#3794ff'), cssVar('--vscode-charts-red', '#f14c4c'), cssVar('--vscode-charts-yellow', '#cca700'), cssVar('--vscode-charts-green', '#89d185')];

interface Chart {
  plot: uPlot;
  data: Series;
  box: HTMLElement;
}
const chartList: Chart[] = [];

function makeChart(title: string, data: Series, fmt: (n: number) => string): Chart {
  const box = h('div', { class: 'chart' }, h('div', { class: 'chart-title', text: title }));
  charts.append(box);
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', '#444');
  const colors = palette();
  const plot = new uPlot(
    {
      width: Math.max(200, box.clientWidth || 320),
      height: 150,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, vals) => vals.map((v) => fmt(v)), size: 64 },
      ],
      series: [{}, ...data.names.map((name, i) => ({ label: name, stroke: colors[i % colors.length], width: 1.5, value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)) }))],
    },
    data.data() as uPlot.AlignedData,
    box,
  );
  return { plot, data, box };
}

function initCharts(): void {
  chartList.push(makeChart('Transactions per second', series.tps, (n) => fmtNum(n)));
  chartList.push(makeChart('Connections', series.conns, (n) => fmtNum(n, 0)));
  chartList.push(makeChart('Cache hit ratio', series.cache, (n) => `${n.toFixed(1)}%`));
  chartList.push(makeChart('Rows per second', series.rows, (n) => fmtNum(n)));
  new ResizeObserver(() => {
    for (const c of chartList) c.plot.setSize({ width: Math.max(200, c.box.clientWidth - 8), height: 150 });
  }).observe(charts);
}

// ---- rendering ------------------------------------------------------------------------------

function renderHeader(): void {
  const label = { connecting: 'connecting…', connected: 'live', disconnected: 'disconnected', 'no-connection': 'no connection' }[status];
  fill(header, 
    h('h1', { text: 'PG Lens' }),
    h('span', { class: 'profile', text: profileName }),
    readOnly ? h('span', { class: 'badge warn', text: 'production: read-only', title: 'Maintenance actions are not offered on production profiles.' }) : null,
    replica ? h('span', { class: 'badge', text: 'statistics from the read replica' }) : null,
    h('span', { class: `badge status-${status}`, text: label, title: statusMessage }),
    status === 'disconnected' ? h('span', { class: 'muted', text: `${statusMessage} Retrying…` }) : null,
    status === 'no-connection' ? h('span', { class: 'muted', text: statusMessage }) : null,
    stats ? h('span', { class: 'muted', text: `refresh ${stats.refreshMs} ms` }) : null,
  );
  document.body.classList.toggle('is-disconnected', status !== 'connected');
}

function tile(label: string, value: string, sub?: string, cls = ''): HTMLElement {
  return h('div', { class: `tile ${cls}` }, h('div', { class: 'tile-label', text: label }), h('div', { class: 'tile-value', text: value }), sub ? h('div', { class: 'tile-sub', text: sub }) : null);
}

function renderTiles(): void {
  if (!stats) return;
  const s = stats;
  const r = s.rates;
  const usable = Math.max(1, s.connections.max - s.connections.reserved);
  const connShare = s.connections.total / usable;
  const byState = Object.entries(s.connections.byState).map(([k, n]) => `${k} ${n}`).join(', ');
  const lag = s.replication.inRecovery
    ? fmtSeconds(s.replication.replayDelaySeconds)
    : s.replication.replicas.length
      ? s.replication.replicas.map((x) => fmtSeconds(x.lagSeconds)).join(', ')
      : 'no standbys';
  fill(tiles, 
    tile('Connections', `${s.connections.total} / ${usable}`, byState, connShare >= 0.9 ? 'bad' : connShare >= 0.75 ? 'warn' : ''),
    tile('Transactions/s', fmtNum(r?.tps), `rollbacks ${fmtNum(r?.rollbacksPerSec)}/s`),
    tile('Cache hit', fmtPct(s.cache.databaseHitRatio), `tables ${fmtPct(s.cache.tableHitRatio)} · indexes ${fmtPct(s.cache.indexHitRatio)}`, (s.cache.databaseHitRatio ?? 1) < 0.95 ? 'warn' : ''),
    tile('Rows/s', `${fmtNum(r?.rowsReadPerSec)} read`, `${fmtNum(r?.rowsWrittenPerSec)} written`),
    tile('Temp files', fmtNum(s.sample.db.tempFiles), `${fmtBytes(r?.tempBytesPerSec ?? null)}/s now`),
    tile('Deadlocks', fmtNum(s.sample.db.deadlocks), r && r.deadlocks > 0 ? `+${r.deadlocks} now` : undefined, r && r.deadlocks > 0 ? 'bad' : ''),
    tile('Checkpoints', s.sample.checkpoints ? `${s.sample.checkpoints.timed} timed` : '–', s.sample.checkpoints ? `${s.sample.checkpoints.requested} requested` : undefined),
    tile('WAL', fmtBytes(s.wal?.bytes ?? null), r?.walBytesPerSec !== null && r?.walBytesPerSec !== undefined ? `${fmtBytes(r.walBytesPerSec)}/s` : undefined),
    tile('Replication lag', lag, s.replication.inRecovery ? 'this server is a standby' : undefined),
  );
}

function pushSeries(): void {
  if (!stats) return;
  const s = stats;
  const st = s.connections.byState;
  series.tps.push(s.atMs, [s.rates?.tps ?? null, s.rates?.rollbacksPerSec ?? null]);
  series.conns.push(s.atMs, [s.connections.total, st.active ?? 0, (st['idle in transaction'] ?? 0) + (st['idle in transaction (aborted)'] ?? 0)]);
  series.cache.push(s.atMs, [s.rates?.cacheHitRatio !== null && s.rates?.cacheHitRatio !== undefined ? s.rates.cacheHitRatio * 100 : null]);
  series.rows.push(s.atMs, [s.rates?.rowsReadPerSec ?? null, s.rates?.rowsWrittenPerSec ?? null]);
  for (const c of chartList) c.plot.setData(c.data.data() as uPlot.AlignedData);
}

function actionButton(action: MaintenanceAction, label?: string): HTMLButtonElement {
  const key = actionKey(action);
  const busy = pending.get(key);
  // Destructive actions (DROP INDEX, terminate, reset statistics) look like what they are: never the main button.
  return h('button', {
    class: isDestructive(action.kind) ? 'action danger' : 'action',
    text: busy ?? label ?? ACTION_TITLES[action.kind],
    disabled: readOnly || !!busy,
    title: readOnly ? 'No maintenance actions on production profiles.' : `${ACTION_TITLES[action.kind]} (you confirm it in a dialog)`,
    onClick: () => {
      pending.set(key, 'waiting for confirmation…');
      send({ type: 'requestAction', action });
      renderAll();
    },
  });
}

function renderStatements(): void {
  const s = stats?.statements;
  const sortSel = h('select', { attrs: { 'aria-label': 'Sort statements by' } });
  for (const [k, label] of [['totalMs', 'total time'], ['meanMs', 'mean time'], ['calls', 'calls'], ['rows', 'rows']] as const) {
    const o = h('option', { text: label, attrs: { value: k } });
    if (k === ui.sort) o.selected = true;
    sortSel.append(o);
  }
  sortSel.addEventListener('change', () => {
    ui.sort = sortSel.value as StatementSortKey;
    vscodeApi.setState(ui);
    renderStatements();
  });
  const modeBtn = h('button', {
    text: ui.mode === 'delta' ? 'Showing: since the panel opened' : 'Showing: totals',
    onClick: () => {
      ui.mode = ui.mode === 'delta' ? 'total' : 'delta';
      vscodeApi.setState(ui);
      renderStatements();
    },
  });
  const head = h('div', { class: 'panel-head' }, h('h2', { text: 'Top statements' }), 'by ', sortSel, modeBtn,
    h('button', { text: 'Restart deltas', onClick: () => send({ type: 'resetBaseline' }) }),
    s?.state === 'ready' ? actionButton({ kind: 'reset-statements' }, 'Reset pg_stat_statements') : null);
  if (!s || s.state !== 'ready') {
    const why = !s ? 'Waiting for data…' : s.state === 'not-installed' ? 'pg_stat_statements is available but not installed: CREATE EXTENSION pg_stat_statements;' : s.state === 'not-loaded' ? 'pg_stat_statements is installed but not in shared_preload_libraries (needs a restart).' : s.state === 'error' ? `pg_stat_statements could not be read: ${s.message ?? ''}` : 'pg_stat_statements is not available on this server.';
    fill(statements, head, h('p', { class: 'muted', text: why }));
    return;
  }
  const rows = [...s.rows].filter((r) => ui.mode === 'total' || r.delta.calls > 0).sort((a, b) => b[ui.mode][ui.sort] - a[ui.mode][ui.sort]).slice(0, 20);
  const fig = (r: StatementRow) => r[ui.mode];
  fill(statements, 
    head,
    h('p', { class: 'muted', text: `${s.count} statements in this database (PG Lens's own left out).` }),
    rows.length
      ? table(
          ['Total', 'Mean', 'Calls', 'Rows', 'Hit', 'Query'],
          rows.map((r) => [fmtMs(fig(r).totalMs), fmtMs(fig(r).meanMs), fmtNum(fig(r).calls), fmtNum(fig(r).rows), fmtPct(fig(r).hitRatio, 0), statementLink(r)]),
          'grid',
        )
      : h('p', { class: 'muted', text: 'No statements ran since the panel opened.' }),
  );
}

/** The query cell of Top statements: a button that opens the statement's details and call sites. */
function statementLink(r: StatementRow): HTMLElement {
  const code = h('code', { class: 'sql', text: oneLine(r.query ?? `queryid ${r.id}`, 300) });
  if (!r.query) return code;
  const b = h('button', { class: 'link statement', attrs: { title: 'Show its figures and where the code runs it', 'aria-label': `Details and call sites of ${oneLine(r.query, 80)}` }, onClick: () => send({ type: 'showStatement', id: r.id }) });
  b.append(code);
  return b;
}

function renderActivity(): void {
  const list = stats?.sessions ?? [];
  const rows: Child[][] = list.map((x) => [
    String(x.pid),
    x.user ?? '',
    x.application,
    h('span', { class: x.state?.startsWith('idle in') ? 'warn' : '', text: x.state ?? '' }),
    x.waitEventType ? `${x.waitEventType}: ${x.waitEvent}` : '',
    fmtSeconds(x.state === 'active' ? x.querySeconds : x.stateSeconds),
    fmtSeconds(x.xactSeconds),
    h('code', { class: 'sql', text: oneLine(x.query, 200), title: x.query }),
    h('span', { class: 'buttons' }, actionButton({ kind: 'cancel-backend', pid: x.pid, backendStart: x.backendStart }, 'Cancel'), actionButton({ kind: 'terminate-backend', pid: x.pid, backendStart: x.backendStart }, 'Terminate')),
  ]);
  fill(activity, 
    h('div', { class: 'panel-head' }, h('h2', { text: `Activity (${list.length})` })),
    list.length ? table(['Pid', 'User', 'Application', 'State', 'Waiting on', 'For', 'Transaction', 'Query', ''], rows, 'grid') : h('p', { class: 'muted', text: 'No active sessions besides PG Lens.' }),
  );
}

function renderBlocking(): void {
  const chains = stats?.blocking ?? [];
  const byPid = new Map((stats?.sessions ?? []).map((s) => [s.pid, s]));
  blocking.hidden = chains.length === 0;
  fill(blocking, 
    h('div', { class: 'panel-head' }, h('h2', { text: `Blocking chains (${chains.length})` })),
    ...chains.map((c) => {
      const b = byPid.get(c.blocker);
      return h(
        'div',
        { class: 'chain' },
        h('div', {}, h('strong', { text: `Blocker ${c.blocker}` }), ` ${b?.user ?? '?'} · ${b?.application ?? ''} · ${b?.state ?? 'unknown'} · longest wait ${fmtSeconds(c.seconds)} `,
          b ? actionButton({ kind: 'terminate-backend', pid: b.pid, backendStart: b.backendStart }, 'Terminate blocker') : null),
        b ? h('code', { class: 'sql', text: oneLine(b.query, 300) }) : null,
        h('ul', {}, ...c.waiters.map((w) => h('li', { text: `${'↳ '.repeat(w.depth)}${w.pid} waiting ${fmtSeconds(w.waitingSeconds)} on ${w.blockedBy.join(', ')}: ${oneLine(byPid.get(w.pid)?.query ?? '', 160)}` }))),
      );
    }),
  );
}

function renderProgress(): void {
  const p = stats?.progress ?? [];
  progress.hidden = p.length === 0;
  fill(progress, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Maintenance in progress' })),
    table(['Pid', 'Operation', 'Relation', 'Phase', 'Done'], p.map((x) => [String(x.pid), x.kind, `${x.schema ?? '?'}.${x.relation ?? '?'}${x.index ? ` (${x.index})` : ''}`, x.phase, x.total ? fmtPct((x.done ?? 0) / x.total, 0) : '–']), 'grid'),
  );
}

function renderReplication(): void {
  const r = stats?.replication;
  replication.hidden = !r || (!r.inRecovery && r.replicas.length === 0);
  if (!r) return;
  fill(replication, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Replication' })),
    r.inRecovery ? h('p', { text: `This server is a standby; last replayed transaction ${fmtSeconds(r.replayDelaySeconds)} ago.` }) : null,
    r.replicas.length ? table(['Standby', 'State', 'Replay lag', 'Bytes behind'], r.replicas.map((x) => [x.name, x.state, fmtSeconds(x.lagSeconds), fmtBytes(x.lagBytes)]), 'grid') : null,
  );
}

function objectLabel(o: HealthFinding['objects'][number]): string {
  return o.schema !== undefined ? `${o.kind} ${o.schema}.${o.name}${o.table ? ` on ${o.table}` : ''}` : `${o.kind} ${o.name}`;
}

function renderHealth(): void {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  fill(health, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Health checks' }), h('span', { class: 'muted', text: `${counts.error} errors · ${counts.warning} warnings · ${counts.info} notes${healthAt ? ` · checked ${new Date(healthAt).toLocaleTimeString()}` : ''}` }),
      h('button', { text: 'Check now', onClick: () => send({ type: 'refreshHealth' }) })),
    healthError ? h('p', { class: 'bad', text: `The health checks could not run: ${healthError}` }) : null,
    !findings.length && !healthError ? h('p', { class: 'muted', text: healthAt ? 'No findings.' : 'Checking…' }) : null,
    ...findings.map((f) => {
      const key = findingKey(f);
      const d = h('details', { class: `finding sev-${f.severity}` },
        h('summary', {}, h('span', { class: `sev sev-${f.severity}`, text: f.severity }), h('code', { class: 'check-id', text: f.checkId }), ' ', f.message),
        h('div', { class: 'finding-body' },
          f.help ? h('p', { text: f.help }) : null,
          f.objects.length ? h('p', { class: 'muted', text: f.objects.map(objectLabel).join(' · ') }) : null,
          h('pre', { class: 'evidence', text: JSON.stringify(f.evidence, null, 2) }),
          ...(f.fixSql.length ? [h('pre', { class: 'fix', text: f.fixSql.join('\n') }), h('button', { text: 'Open fix in editor', onClick: () => send({ type: 'openSql', sql: f.fixSql.join('\n') }) })] : []),
          f.action ? actionButton(f.action) : null,
        ),
      );
      d.open = openFindings.has(key);
      d.addEventListener('toggle', () => (d.open ? openFindings.add(key) : openFindings.delete(key)));
      return d;
    }),
  );
}

function renderTrends(): void {
  if (!history) {
    trends.hidden = true;
    return;
  }
  trends.hidden = false;
  const g = history.growth;
  fill(trends, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Trends' }), h('span', { class: 'muted', text: `${history.points.length} snapshots kept` })),
    g.database ? h('p', { text: `Database grows ${fmtBytes(g.database.bytesPerDay)}/day; in 30 days about ${fmtBytes(g.database.projectedBytes)} (fit r² ${g.database.r2.toFixed(2)}).` }) : h('p', { class: 'muted', text: 'Growth projections appear once snapshots span some time (one every 5 minutes while the panel is open).' }),
    g.tables.length ? table(['Table', 'Growth/day', 'In 30 days'], g.tables.slice(0, 10).map((t) => [`${t.schema}.${t.name}`, fmtBytes(t.projection.bytesPerDay), fmtBytes(t.projection.projectedBytes)]), 'grid') : null,
    history.regressions.length
      ? h('div', {}, h('h3', { text: 'Regressions (mean time up ≥ 50% vs the week before)' }),
          table(['Before', 'Now', 'Change', 'Calls', 'Query'], history.regressions.map((r) => [fmtMs(r.baselineMeanMs), fmtMs(r.recentMeanMs), `+${Math.round(r.increase * 100)}%`, fmtNum(r.recentCalls), h('code', { class: 'sql', text: oneLine(r.query, 200) })]), 'grid'))
      : null,
  );
}

function renderAudit(): void {
  auditBox.hidden = audit.length === 0;
  fill(auditBox, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Maintenance log' })),
    table(['When', 'Profile', 'Statement', 'Result'], [...audit].reverse().slice(0, 20).map((a) => [new Date(a.atMs).toLocaleString(), a.profile, h('code', { text: a.statement }), h('span', { class: a.ok ? '' : 'bad', text: a.message })]), 'grid'),
  );
}

function renderNotes(): void {
  fill(notesBox, ...notes.slice(-3).map((n) => h('div', { class: `note ${n.ok ? 'ok' : 'bad'}`, text: n.text })));
}

function renderLive(): void {
  renderHeader();
  renderTiles();
  renderBlocking();
  renderActivity();
  renderStatements();
  renderProgress();
  renderReplication();
}

function renderAll(): void {
  renderLive();
  renderHealth();
  renderTrends();
  renderAudit();
  renderNotes();
}

// ---- messages -------------------------------------------------------------------------------

window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      profileName = m.profileName;
      readOnly = m.readOnly;
      replica = m.replica;
      renderAll();
      return;
    case 'status':
      status = m.state;
      statusMessage = m.message ?? '';
      renderHeader();
      return;
    case 'stats':
      stats = m.stats;
      pushSeries();
      renderLive();
      return;
    case 'health':
      findings = m.findings;
      healthAt = m.atMs;
      healthError = m.error ?? '';
      renderHealth();
      return;
    case 'history':
      history = m.history;
      renderTrends();
      return;
    case 'alerts':
      for (const a of m.alerts) notes.push({ text: a.message, ok: false });
      renderNotes();
      return;
    case 'actionProgress':
      pending.set(m.key, m.message);
      renderAll();
      return;
    case 'actionResult':
      pending.delete(m.key);
      notes.push({ text: m.message, ok: m.ok });
      renderAll();
      return;
    case 'audit':
      audit = m.entries;
      renderAudit();
      return;
    default: {
      const never: never = m;
      return never;
    }
  }
});

initCharts();
renderAll();
send({ type: 'ready' });
