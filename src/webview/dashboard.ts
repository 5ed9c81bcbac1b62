/**
 * The dashboard webview (browser code). Renders what the extension sends; every database string goes
 * through textContent. Buttons only ASK for an action: the extension checks it against what it
 * offered and confirms it with the user in a modal dialog.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { actionKey, ACTION_TITLES, hasQueryToCancel, isDestructive, type MaintenanceAction } from '../core/dashboard/actions';
import { statementCallsText, statementTimeText, statementsAutoNote, statementsMode, statementsWindowWords, type StatementRow, type StatementSortKey, type StatementsMode } from '../core/dashboard/live';
import type { LiveStats } from '../core/dashboard/types';
import type { HealthFinding } from '../core/health/types';
import { MAX_WORKLOAD_STATEMENTS, type AuditEntry, type ConnectionState, type HistoryView, type ToExtension, type ToWebview, type WorkloadBenchRow } from '../shared/dashboardProtocol';
import { fill, h, table, type Child } from './_dom';
import { countOf } from '../core/format';
import { codeValuesSource, workloadLines } from '../core/plan/benchmark';
import { appendChartPoint, cacheHitRange, chartData, chartGaps, chartPoint, CHART_LINES, coarseStretches, parseChartPoints, timeWindow, type ChartKey, type ChartPoint } from '../core/dashboard/chartHistory';
import { fmtByteRate, fmtBytes, fmtClockTick, fmtMs, fmtNum, fmtPct, fmtSeconds, fmtSpan, oneLine } from './_format';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscodeApi = acquireVsCodeApi();
const send = (m: ToExtension) => vscodeApi.postMessage(m);

interface UiState {
  sort: StatementSortKey;
  /** The Top statements mode the person chose with its button; none: statementsMode decides (totals until statements run in the window). */
  chosenMode?: StatementsMode;
}
const saved = (vscodeApi.getState() ?? {}) as Partial<UiState>;
const ui: UiState = { sort: saved.sort ?? 'totalMs', ...(saved.chosenMode === 'delta' || saved.chosenMode === 'total' ? { chosenMode: saved.chosenMode } : {}) };
/** The mode Top statements shows now (statementsMode), and whether it turned on its own to the panel's window (it stays). */
let shownMode: StatementsMode = 'total';
let turnedToWindow = false;

let profileName = '';
// Unknown until the host says which profile (init): no action is offered, and no "production" badge is shown either
// (person16 LOW 2: "production: read-only" while connecting on a development profile).
let readOnly: boolean | undefined;
let replica = false;
let status: ConnectionState = 'connecting';
let statusMessage = '';
let stats: LiveStats | undefined;
let findings: HealthFinding[] = [];
let healthError = '';
let healthAt = 0;
let history: HistoryView | undefined;
let audit: AuditEntry[] = [];
/** The workload benchmark: waiting for the user's confirmation, running (done of total), or its result. */
let workloadBench: { state: 'asked' } | { state: 'running'; done: number; total: number; current?: string } |  { state: 'done'; ok: boolean; message: string; rows: WorkloadBenchRow[]; workload: { p50: number; p95: number; p99: number } | null; workloadWithStandIns?: { p50: number; p95: number; p99: number } | null } | undefined;
const pending = new Map<string, string>();
/** Findings the user opened stay open across refreshes. */
const openFindings = new Set<string>();
const findingKey = (f: HealthFinding) => `${f.checkId}|${f.objects.map((o) => `${o.kind}:${o.schema ?? ''}.${o.name}`).join('|')}`;
/**
 * Toasts in the corner: results clear after a while; an alert stays while its condition holds (alertKey), and says since
 * when (`at`) — and that it is not checked while the server cannot be reached (person17 LOW 2: a mean-time alert from
 * 04:59 stood unchanged through a restart).
 */
const notes: { text: string; ok: boolean; until?: number; alertKey?: string; at?: number }[] = [];
const NOTE_MS = 10_000;
setInterval(() => {
  const now = Date.now();
  const before = notes.length;
  for (let i = notes.length - 1; i >= 0; i--) if (notes[i].until !== undefined && notes[i].until! < now) notes.splice(i, 1);
  if (notes.length !== before) renderNotes();
}, 1000);

/** The charts' points: the stored history the extension sends when the panel opens, then one per refresh. */
let points: ChartPoint[] = [];

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
const noConnection = h('section', { class: 'panel no-connection' },
  h('h2', { text: 'No database connected' }),
  h('p', { text: 'PG Lens: Reconnect, Select Connection or Add Connection (Command Palette, or the PG Lens item in the status bar) connects again; this panel follows by itself.' }));
noConnection.hidden = true;
// The header and the alerts/results under it stay at the top of the pane, in the page's flow: a box fixed in a corner lay
// over whatever toolbar scrolled under it (issue 20 item 16: an alert covered Top statements' Reset and Benchmark).
const top = h('div', { class: 'top' }, header, notesBox);
app.append(top, noConnection, tiles, charts, blocking, activity, statements, progress, replication, health, trends, auditBox);

// ---- charts (uPlot, colours from the editor theme) ------------------------------------------

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}
const palette = () => [cssVar('--vscode-charts-blue', '#3794ff'), cssVar('--vscode-charts-red', '#f14c4c'), cssVar('--vscode-charts-yellow', '#cca700'), cssVar('--vscode-charts-green', '#89d185')];

interface Chart {
  plot: uPlot;
  box: HTMLElement;
  def: ChartDef;
}
const chartList: Chart[] = [];

interface ChartDef {
  title: string;
  key: ChartKey;
  fmt: (n: number) => string;
  /** Fixed y range (cache hit: 0–100 %). */
  yRange?: (min: number, max: number) => [number, number];
}

/** Every chart's data and time axis come from here: uPlot never picks the x range itself (see timeWindow). */
function draw(plot: uPlot, key: ChartKey): void {
  const data = chartData(points, key);
  const range = timeWindow(data[0], Date.now() / 1000);
  plot.setData(data as uPlot.AlignedData, false);
  plot.setScale('x', range);
  // The span uPlot shows, in seconds (read by tests: no chart may span more than its points do).
  plot.root.parentElement?.setAttribute('data-x-span', String(Math.round((plot.scales.x.max ?? NaN) - (plot.scales.x.min ?? NaN))));
}

/** A chart in a split pane at 800 px (about 200 px wide) is drawn to fit it: wider, its newest points were off-screen. */
const MIN_CHART_WIDTH = 140;

function makeChart(def: ChartDef, box?: HTMLElement): Chart {
  box ??= h('div', { class: 'chart' }, h('div', { class: 'chart-title', text: def.title }));
  if (!box.isConnected) charts.append(box);
  // Read the theme's colours when the chart is made (and again when the theme changes: remakeCharts).
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', '#444');
  const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  const colors = palette();
  const axis = { stroke: fg, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const plot = new uPlot(
    {
      width: Math.max(MIN_CHART_WIDTH, box.clientWidth - 8 || 320),
      height: 150,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, auto: false }, y: def.yRange ? { range: (_u, min, max) => def.yRange!(min, max) } : {} },
      axes: [
        { ...axis, space: 80, values: (u, vals) => vals.map((v) => fmtClockTick(v, (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0))) },
        { ...axis, values: (_u, vals) => vals.map((v) => def.fmt(v)), size: 64, space: 30 },
      ],
      hooks: { drawClear: [shadeCoarse] },
      series: [{}, ...CHART_LINES[def.key].map((name, i) => ({ label: name, stroke: colors[i % colors.length], width: 1.5, value: (_u: uPlot, v: number | null) => (v === null ? '–' : def.fmt(v)) }))],
    },
    [[]],
    box,
  );
  draw(plot, def.key);
  return { plot, box, def };
}

const CHARTS: ChartDef[] = [
  { title: 'Transactions per second', key: 'tps', fmt: (n) => fmtNum(n) },
  { title: 'Connections', key: 'conns', fmt: (n) => fmtNum(n, 0) },
  // A ratio: never below 0 or above 100 %. A little room over 100 % so that a steady 100 % is a line inside the chart,
  // not one hidden on its top edge (person22 LOW D); the axis labels stay at 100 % and under.
  { title: 'Cache hit ratio', key: 'cache', fmt: (n) => `${n.toFixed(n >= 99.95 || n === 0 ? 0 : 1)}%`, yRange: (min) => cacheHitRange(min) },
  { title: 'Rows per second', key: 'rows', fmt: (n) => fmtNum(n) },
];

function initCharts(): void {
  for (const def of CHARTS) chartList.push(makeChart(def));
  new ResizeObserver(() => {
    for (const c of chartList) c.plot.setSize({ width: Math.max(MIN_CHART_WIDTH, c.box.clientWidth - 8), height: 150 });
  }).observe(charts);
  // VS Code switches the body's theme class (vscode-dark, vscode-light, high contrast): remake the charts in the new colours.
  new MutationObserver(() => remakeCharts()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

function remakeCharts(): void {
  for (const [i, c] of chartList.entries()) {
    c.plot.destroy();
    chartList[i] = makeChart(c.def, c.box);
  }
}

// ---- rendering ------------------------------------------------------------------------------

function renderHeader(): void {
  const label = { connecting: 'connecting…', connected: 'live', disconnected: 'disconnected', 'no-connection': 'no connection' }[status];
  fill(header, 
    h('h1', { text: 'PG Lens' }),
    h('span', { class: 'profile', text: profileName }),
    readOnly === true ? h('span', { class: 'badge warn', text: 'production: read-only', title: 'Maintenance actions are not offered on production profiles.' }) : null,
    replica ? h('span', { class: 'badge', text: 'statistics from the read replica' }) : null,
    h('span', { class: `badge status-${status}`, text: label, title: statusMessage }),
    status === 'disconnected' ? h('span', { class: 'muted', text: `${statusMessage} Retrying…` }) : null,
    status === 'no-connection' ? h('span', { class: 'muted', text: statusMessage }) : null,
    stats ? h('span', { class: 'muted', text: `refreshed in ${fmtMs(stats.refreshMs)}`, title: 'How long the last refresh of these figures took' }) : null,
  );
  document.body.classList.toggle('is-disconnected', status !== 'connected');
  // An alert says whether it is checked now.
  renderNotes();
  // No profile to show: nothing of the last database stays on screen, and no button acts on it.
  for (const section of [tiles, charts, blocking, activity, statements, progress, health, trends, auditBox]) section.hidden = status === 'no-connection';
  if (status === 'no-connection') replication.hidden = true;
  noConnection.hidden = status !== 'no-connection';
}

/**
 * The connection is gone (the last profile removed, or disconnected by hand): forget the last database's figures,
 * findings, history and charts, so they neither linger beside "no connection" nor show under the next profile.
 */
function forgetDatabase(): void {
  profileName = '';
  readOnly = undefined;
  stats = undefined;
  findings = [];
  healthError = '';
  healthAt = 0;
  history = undefined;
  workloadBench = undefined;
  pending.clear();
  openFindings.clear();
  for (let i = notes.length - 1; i >= 0; i--) if (notes[i].alertKey) notes.splice(i, 1);
  points = [];
  drawCharts();
  fill(tiles);
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
    // PG Lens's own transactions are left out (counted by its sessions in this window); its reads are the system
    // catalogs' nearly all, left out of Rows/s with every session's catalog reads, and said so (person51 L-8).
    tile('Transactions/s', fmtNum(r?.tps), `rollbacks ${fmtNum(r?.rollbacksPerSec)}/s · ${typeof r?.ownTps === 'number' ? `PG Lens's own ${fmtNum(r.ownTps)}/s left out` : "PG Lens's own included"}`),
    tile('Cache hit', fmtPct(s.cache.databaseHitRatio), `tables ${fmtPct(s.cache.tableHitRatio)} · indexes ${fmtPct(s.cache.indexHitRatio)}`, (s.cache.databaseHitRatio ?? 1) < 0.95 ? 'warn' : ''),
    tile('Rows/s', `${fmtNum(r?.rowsReadPerSec)} read`, `${fmtNum(r?.rowsWrittenPerSec)} written · ${typeof r?.catalogRowsPerSec === 'number' ? `catalog reads ${fmtNum(r.catalogRowsPerSec)}/s left out (PG Lens's own among them)` : "PG Lens's own reads included"}`),
    tile('Temp files', fmtNum(s.sample.db.tempFiles), `${fmtBytes(r?.tempBytesPerSec ?? null)}/s now`),
    tile('Deadlocks', fmtNum(s.sample.db.deadlocks), r && r.deadlocks > 0 ? `+${r.deadlocks} now` : undefined, r && r.deadlocks > 0 ? 'bad' : ''),
    tile('Checkpoints', s.sample.checkpoints ? `${s.sample.checkpoints.timed} timed` : '–', s.sample.checkpoints ? `${s.sample.checkpoints.requested} requested` : undefined),
    tile('WAL', fmtBytes(s.wal?.bytes ?? null), r?.walBytesPerSec !== null && r?.walBytesPerSec !== undefined ? fmtByteRate(r.walBytesPerSec) : undefined),
    tile('Replication lag', lag, s.replication.inRecovery ? 'this server is a standby' : undefined),
  );
}

/** The stretches sampled every 10 s while the panel was hidden: shaded in every chart, and said under them. */
let coarse: ReturnType<typeof coarseStretches> = [];
const coarseNote = h('p', { class: 'chart-note muted' });
/** The stretches not sampled (the panel closed, the connection lost): labelled in every chart, and said under them. */
let gaps: ReturnType<typeof chartGaps> = [];
const gapNote = h('p', { class: 'chart-note muted' });

function drawCharts(): void {
  // How many points the charts hold (kept across tab switches, reloaded on open; read by the e2e suite).
  charts.setAttribute('data-points', String(points.length));
  coarse = coarseStretches(points);
  charts.setAttribute('data-coarse', String(coarse.length));
  for (const c of chartList) draw(c.plot, c.def.key);
  if (coarse.length) {
    const step = Math.max(...coarse.map((x) => x.stepS));
    // One step for every stretch: the hidden panel's interval (the longest of them, if settings changed between).
    coarseNote.textContent = `Shaded: sampled every ${step} s while this tab was hidden; a burst shorter than that shows lower there than it was.`;
    if (!coarseNote.isConnected) charts.append(coarseNote);
  } else coarseNote.remove();
  gaps = chartGaps(points);
  charts.setAttribute('data-gaps', gaps.map((g) => (g.closed ? 'panel closed' : 'not sampled')).join(','));
  if (gaps.length) {
    gapNote.textContent = gaps.some((g) => g.closed)
      ? 'Blank stretches marked "panel closed": nothing was sampled then — PG Lens reads the database only while this panel is open, and keeps what it sampled (not a history the server keeps, as PgHero does).'
      : 'Blank stretches marked "not sampled": the connection was lost or VS Code was not running.';
    if (!gapNote.isConnected) charts.append(gapNote);
  } else gapNote.remove();
}

/** Shades the coarse stretches behind the lines (uPlot's drawClear hook: before the series are drawn). */
function shadeCoarse(u: uPlot): void {
  labelGaps(u);
  if (!coarse.length) return;
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.fillStyle = cssVar('--vscode-editor-inactiveSelectionBackground', 'rgba(128,128,128,0.18)');
  for (const c of coarse) {
    const x0 = u.valToPos(c.fromS, 'x', true);
    const x1 = u.valToPos(c.toS, 'x', true);
    if (Number.isFinite(x0) && Number.isFinite(x1) && x1 > x0) ctx.fillRect(x0, top, x1 - x0, height);
  }
  ctx.restore();
}

/** Each gap's label ("panel closed", "not sampled"), centred in it when it fits, with a dashed edge on either side. */
function labelGaps(u: uPlot): void {
  if (!gaps.length) return;
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = cssVar('--vscode-descriptionForeground', 'rgba(128,128,128,0.8)');
  ctx.fillStyle = ctx.strokeStyle;
  ctx.setLineDash([3, 3]);
  ctx.font = `${Math.round(11 * devicePixelRatio)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  ctx.textAlign = 'center';
  for (const g of gaps) {
    const x0 = u.valToPos(g.fromS, 'x', true);
    const x1 = u.valToPos(g.toS, 'x', true);
    if (!Number.isFinite(x0) || !Number.isFinite(x1) || x1 <= x0) continue;
    for (const x of [x0, x1]) {
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    const label = g.closed ? 'panel closed' : 'not sampled';
    if (ctx.measureText(label).width + 8 < x1 - x0) ctx.fillText(label, (x0 + x1) / 2, top + height / 2);
  }
  ctx.restore();
}

/** `opened`: the extension's first sample since the panel opened (a webview that loads late must not mark its own first). */
function pushSeries(hidden = false, opened = false): void {
  if (stats) points = appendChartPoint(points, chartPoint(stats, hidden, opened));
  drawCharts();
}

/** `target`: what it acts on, in its accessible name (a finding's buttons, read out of their finding, all said the same). */
function actionButton(action: MaintenanceAction, label?: string, target?: string): HTMLButtonElement {
  const key = actionKey(action);
  const busy = pending.get(key);
  // Destructive actions (DROP INDEX, terminate, reset statistics) look like what they are: never the main button; nor
  // does cancelling another session's query (its work is lost).
  return h('button', {
    class: isDestructive(action.kind) ? 'action danger' : action.kind === 'cancel-backend' ? 'action quiet' : 'action',
    text: busy ?? label ?? ACTION_TITLES[action.kind],
    disabled: readOnly !== false || !!busy,
    ...(target ? { attrs: { 'aria-label': `${busy ?? label ?? ACTION_TITLES[action.kind]}: ${target}` } } : {}),
    title: readOnly === undefined ? 'Waiting for the connection.' : readOnly ? 'No maintenance actions on production profiles.' : `${ACTION_TITLES[action.kind]} (you confirm it in a dialog)`,
    onClick: () => {
      pending.set(key, 'waiting for confirmation…');
      send({ type: 'requestAction', action });
      renderAll();
    },
  });
}

/**
 * Top statements hold still under the pointer (person18 LOW 2: rows moved between refreshes, and two clicks opened
 * nothing): while the pointer is over the panel, and for STATEMENTS_HOLD_MS after it leaves, the rows keep their order
 * and set (each keyed by statement id, its figures updated in place; a statement gone keeps its last figures), and a
 * change in height above the panel (Activity's rows coming and going) is scrolled away. A new sort or mode re-sorts.
 */
const STATEMENTS_HOLD_MS = 3000;
let statementsHeld = false;
let statementsHoldTimer: ReturnType<typeof setTimeout> | undefined;
/** The rows Top statements shows, in the order shown. */
let statementsShown: StatementRow[] = [];
statements.addEventListener('pointerenter', () => {
  clearTimeout(statementsHoldTimer);
  statementsHeld = true;
  // Activity above keeps at least its height while held: rows leaving it would pull the table up under the pointer.
  activity.style.minHeight = `${activity.offsetHeight}px`;
});
statements.addEventListener('pointerleave', () => {
  clearTimeout(statementsHoldTimer);
  statementsHoldTimer = setTimeout(() => {
    statementsHeld = false;
    activity.style.minHeight = '';
    renderStatements();
  }, STATEMENTS_HOLD_MS);
});

function renderStatements(resort = false): void {
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
    renderStatements(true);
  });
  // The mode chosen, else the totals until a statement runs in the panel's window (person49 L-10); a change of the mode
  // shown re-sorts.
  const { mode, automatic } = statementsMode(ui.chosenMode, s?.state === 'ready' ? s.rows : [], turnedToWindow);
  if (mode !== shownMode) resort = true;
  shownMode = mode;
  if (automatic && mode === 'delta') turnedToWindow = true;
  // The window's words follow where the deltas count from: the panel's opening, a reset, Restart deltas (person47 L8).
  const words = statementsWindowWords(s?.since, mode);
  const modeBtn = h('button', {
    text: words.button,
    onClick: () => {
      ui.chosenMode = shownMode === 'delta' ? 'total' : 'delta';
      vscodeApi.setState(ui);
      renderStatements(true);
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
  const fresh = new Map(s.rows.map((r) => [r.id, r]));
  const rows = statementsHeld && !resort && statementsShown.length
    ? statementsShown.map((r) => fresh.get(r.id) ?? r)
    : [...s.rows].filter((r) => mode === 'total' || r.delta.calls > 0).sort((a, b) => b[mode][ui.sort] - a[mode][ui.sort]).slice(0, MAX_WORKLOAD_STATEMENTS);
  statementsShown = rows;
  const fig = (r: StatementRow) => r[mode];
  // Held rows whose figures no longer follow the sort say why (person21 LOW 1: "76.4 ms above 86.4 ms, sorted by total
  // time" read as a wrong sort).
  const heldOutOfOrder = statementsHeld && !resort && rows.some((r, i) => i > 0 && fig(rows[i - 1])[ui.sort] < fig(r)[ui.sort]);
  const listed = rows.filter((r) => r.query).map((r) => r.id);
  const busy = workloadBench?.state === 'asked' || workloadBench?.state === 'running';
  if (readOnly === false && listed.length)
    head.append(h('button', {
      text: busy ? 'Benchmarking…' : 'Benchmark these statements',
      title: 'Run each listed statement 20 times, rolled back, with the values the app sent (recorded) or you gave (Benchmark), else values from the column statistics: p50/p95/p99 (asks first)',
      disabled: busy,
      onClick: () => {
        workloadBench = { state: 'asked' };
        send({ type: 'runWorkloadBenchmark', ids: listed });
        renderStatements();
      },
    }));
  const bench = workloadBenchView();
  fill(statements,
    head,
    // Right under the button that started it: below the list it landed out of view.
    bench,
    h('p', { class: 'muted', text: `${s.count} statements in this database (PG Lens's own left out).${heldOutOfOrder ? ' Order held while the pointer is over the list: it re-sorts when the pointer leaves.' : ''}` }),
    automatic && mode === 'total' ? h('p', { class: 'muted statements-mode', text: statementsAutoNote(s.since) }) : null,
    rows.length
      ? h('div', { class: 'table-scroll' }, keyedRows(table(
          ['Total', 'Mean', words.column, 'Rows', 'Hit', 'Query'],
          rows.map((r) => [statementTimeText(fig(r), 'totalMs', fmtMs, fmtNum), statementTimeText(fig(r), 'meanMs', fmtMs, fmtNum), statementCallsText(fig(r), (n) => fmtNum(n)), fmtNum(fig(r).rows), fmtPct(fig(r).hitRatio, 0), statementLink(r)]),
          'grid statements',
        ), rows.map((r) => r.id)))
      : h('p', { class: 'muted', text: words.empty }),
  );
  if (bench && workloadBench?.state !== benchShown) bench.scrollIntoView({ block: 'nearest' });
  benchShown = workloadBench?.state;
}

/** Each body row of `t` keyed by its statement id (data-statement-id). */
function keyedRows(t: HTMLTableElement, ids: readonly string[]): HTMLTableElement {
  t.tBodies[0]?.querySelectorAll(':scope > tr').forEach((tr, i) => {
    if (ids[i] !== undefined) (tr as HTMLElement).dataset.statementId = ids[i];
  });
  return t;
}

/** The benchmark state last brought into view (scrolled to once per change, not on every refresh). */
let benchShown: string | undefined;

/** The workload benchmark's progress or results: p50/p95/p99 per statement and for the workload (weighted by calls). */
function workloadBenchView(): HTMLElement | null {
  const w = workloadBench;
  if (!w) return null;
  if (w.state === 'asked') return h('p', { class: 'muted workload-bench', text: 'Workload benchmark: waiting for confirmation…' });
  if (w.state === 'running') return h('p', { class: 'muted workload-bench', text: `Workload benchmark running: ${w.done} of ${w.total} statements done${w.current ? ` — now ${oneLine(w.current, 120)}` : ''} (20 runs each, rolled back)…` });
  const box = h('div', { class: 'workload-bench' }, h('h3', { text: 'Workload benchmark' }), h('p', { class: w.ok ? 'muted' : 'warn', text: w.message }));
  if (w.rows.length)
    // "Calls" here is pg_stat_statements' count since its reset (the statement's weight in the workload); Top statements'
    // beside it counts since the panel opened unless Totals is chosen: each says which (person11 Q8: 204 vs 44 unlabeled).
    box.append(h('div', { class: 'table-scroll' }, table(['p50', 'p95', 'p99', 'Calls since reset', 'Query'], w.rows.map((r) => r.skipped
      ? [h('span', { class: 'muted', text: 'not run' }), '', '', fmtNum(r.calls), h('span', {}, sqlCode(oneLine(r.query, 200)), ' — ', h('span', { class: 'muted', text: oneLine(r.skipped, 200) }))]
      : [fmtMs(r.p50 ?? 0), fmtMs(r.p95 ?? 0), fmtMs(r.p99 ?? 0), fmtNum(r.calls), h('span', {}, sqlCode(oneLine(r.query, 200)), ...paramsUsed(r.params, r.paramsFrom, r.paramNotes, r))]), 'grid workload')));
  // The workload's figures are of the statements run with the app's values: a stand-in of the statistics (pg_stats'
  // 'delivered', 27,145 rows, where the app sends 'refunded', 165) set the p99 (person53 M-1).
  // What the figure covers, in statements and calls (person54 M-1: one statement of 55 calls in ~7,000 set the headline).
  const fig = (x: { p50: number; p95: number; p99: number }) => `p50 ${fmtMs(x.p50)} · p95 ${fmtMs(x.p95)} · p99 ${fmtMs(x.p99)}`;
  const lines = workloadLines(w.rows.map((r) => ({ calls: r.calls, standIn: r.standIn, ran: !r.skipped })), w.workload, w.workloadWithStandIns, fig);
  if (w.ok || w.workload) box.append(h('p', { class: w.workload ? '' : 'warn', text: lines.headline }));
  if (lines.warn) box.append(h('p', { class: 'warn', text: lines.warn }));
  if (lines.withStandIns) box.append(h('p', { class: 'muted', text: lines.withStandIns }));
  return box;
}

/**
 * The values a statement was benchmarked with, and where they came from: the app's (recorded), the user's (Benchmark),
 * or drawn from the column statistics (the most common value) — those can be far from the app's (a rare status the
 * code names), and without saying so a p50 of 262 ms reads as the app's.
 */
function paramsUsed(params: readonly (string | null)[] | undefined, from: WorkloadBenchRow['paramsFrom'], notes?: readonly (string | null)[], row?: Pick<WorkloadBenchRow, 'paramsAt' | 'paramsOthers' | 'paramsAtCalls' | 'paramsRecordedCalls' | 'standIn'>): Child[] {
  if (!params?.length) return [];
  const source = from === 'recorded' ? 'values the app sent (recorded)' : from === 'yours' ? 'values you gave'
    : from === 'code' ? oneLine(codeValuesSource(row ?? {}), 300)
    : `values from the column statistics: a stand-in the app did not send${row?.standIn ? ', left out of the workload figures' : ''}`;
  // A stand-in (a LIMIT's 10, any value for a select-list constant) says so beside it: "limit $1 — with $1 = 10" read as
  // the app's value (person11 N25); the source in parentheses at the end is then that of the others.
  const note = (i: number) => (typeof notes?.[i] === 'string' ? notes[i] : undefined);
  const plain = params.some((_, i) => !note(i));
  const text = `with ${params.map((v, i) => `$${i + 1} = ${v === null ? 'NULL' : oneLine(v, 40)}${note(i) ? ` (${oneLine(note(i)!, 80)})` : ''}`).join(', ')}${plain ? ` (${source})` : ''}`;
  // A stand-in row is marked and said to be left out whatever gave its values (person54 L-3: a LIMIT's stand-in was
  // plain text, yet counted among the statements left out).
  const leftOut = row?.standIn && !text.includes('left out of the workload figures') ? '; left out of the workload figures' : '';
  return [' — ', h('span', { class: row?.standIn || (plain && (from === 'statistics' || !from)) ? 'warn' : 'muted', text: `${text}${leftOut}` })];
}

/**
 * Statement text as code that breaks between words, and after a dot or a comma inside one
 * (`"client_instances".|"app_name"`), never inside a name (person10/11 N23: "client_instanc|es" in a narrow pane).
 */
function sqlCode(text: string, title?: string): HTMLElement {
  const parts: Child[] = [];
  for (const piece of text.split(/(?<=[.,])(?=\S)/)) {
    if (parts.length) parts.push(h('wbr'));
    parts.push(piece);
  }
  return h('code', { class: 'sql', ...(title ? { title } : {}) }, ...parts);
}

/** The query cell of Top statements: a button that opens the statement's details and call sites. */
function statementLink(r: StatementRow): HTMLElement {
  const code = sqlCode(oneLine(r.query ?? `queryid ${r.id}`, 300));
  if (!r.query) return code;
  const b = h('button', { class: 'link statement', attrs: { title: 'Show its figures and where the code runs it', 'aria-label': `Details and call sites of ${oneLine(r.query, 80)}` }, onClick: () => send({ type: 'showStatement', id: r.id, figures: shownMode }) });
  b.append(code);
  return b;
}

function renderActivity(): void {
  const list = stats?.sessions ?? [];
  // Four columns, each cell a few short lines: nine one-line columns made the table 750 px wide, so a dashboard beside the
  // editor (~437 px) scrolled sideways; the pid has its own line in Session (person23 MEDIUM 5: with a column of its own,
  // a session waiting on PgSleep pushed Cancel and Terminate out of a 410 px pane).
  const lines = (...parts: (string | null | false | undefined)[]) => h('div', { class: 'lines' }, ...parts.filter((p): p is string => !!p).map((p) => h('div', { text: p })));
  const rows: Child[][] = list.map((x) => [
    lines(`pid ${x.pid}`, x.user ?? '', x.application),
    h('div', { class: 'lines' },
      h('div', { class: x.state?.startsWith('idle in') ? 'warn' : '', text: `${x.state ?? ''} · ${fmtSeconds(x.state === 'active' ? x.querySeconds : x.stateSeconds)}` }),
      x.waitEventType ? h('div', { class: 'muted', text: `waiting on ${x.waitEventType}: ${x.waitEvent}` }) : null,
      x.xactSeconds !== null ? h('div', { class: 'muted', text: `transaction ${fmtSeconds(x.xactSeconds)}` }) : null),
    sqlCode(oneLine(x.query, 200), x.query),
    h('span', { class: 'buttons stack' }, hasQueryToCancel(x.state) ? actionButton({ kind: 'cancel-backend', pid: x.pid, backendStart: x.backendStart }, 'Stop query') : null, actionButton({ kind: 'terminate-backend', pid: x.pid, backendStart: x.backendStart }, 'Terminate')),
  ]);
  fill(activity, 
    h('div', { class: 'panel-head' }, h('h2', { text: `Activity (${list.length})` })),
    list.length ? h('div', { class: 'table-scroll' }, table(['Session', 'State', 'Query', ''], rows, 'grid activity')) : h('p', { class: 'muted', text: 'No active sessions besides PG Lens.' }),
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
        b ? sqlCode(oneLine(b.query, 300)) : null,
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

/** A value of a finding's evidence, as text a person reads (numbers formatted, nested values on one line). */
function evidenceValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  // Nested records read as "name: value; name: value" (a record inside a list in parentheses), never as JSON.
  if (Array.isArray(v)) return oneLine(v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? `(${evidenceValue(x)})` : evidenceValue(x))).join(', '), 300);
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined);
    return oneLine(parts.map(([k, x]) => evidenceEntry(k, x).join(': ')).join('; '), 300);
  }
  return String(v);
}

function humanKey(k: string): string {
  return k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

/**
 * A name and value of a finding's evidence as a person reads them: a figure's unit goes from its name to its value
 * ("period: 38 min 47 s", not "period seconds: 2,327"; "hit ratio (upper bound): 100%", not "hit ratio upper bound: 1";
 * person25 LOW 8), other names in words.
 */
function evidenceEntry(k: string, v: unknown): [string, string] {
  // A count a check stopped at its limit (`duplicatedKeysAtLeast`): "≥ 100", as the finding's line says "at least 100"
  // (person46 NEW-2: "duplicated keys 100" where psql counted 4,000).
  if (/AtLeast$/.test(k) && typeof v === 'number') return [humanKey(k.replace(/AtLeast$/, '')), `≥ ${evidenceValue(v)}`];
  const bound = /UpperBound$/.test(k) ? ' (upper bound)' : /LowerBound$/.test(k) ? ' (lower bound)' : '';
  const name = k.replace(/(Upper|Lower)Bound$/, '');
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (/Seconds$/.test(name)) return [`${humanKey(name.replace(/Seconds$/, ''))}${bound}`, fmtSeconds(v)];
    if (/Ms$/.test(name)) return [`${humanKey(name.replace(/Ms$/, ''))}${bound}`, fmtMs(v)];
    if (/Bytes$/.test(name)) return [`${humanKey(name.replace(/Bytes$/, ''))}${bound}`, fmtBytes(v)];
    if (/(Ratio|Share)$/.test(name) && v >= 0 && v <= 1) return [`${humanKey(name)}${bound}`, fmtPct(v)];
  }
  // Ratios by another figure ("hit ratio at TTL": {"10s": 0.919, …}; person26 LOW 3): each a percentage.
  if (/(Ratio|Share)At[A-Z]\w*$/.test(name) && v && typeof v === 'object' && !Array.isArray(v)) {
    const parts = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined);
    if (parts.every(([, x]) => typeof x === 'number' && x >= 0 && x <= 1)) return [`${humanKey(name)}${bound}`, parts.map(([k2, x]) => `${k2}: ${fmtPct(x as number)}`).join('; ')];
  }
  return [`${humanKey(name)}${bound}`, evidenceValue(v)];
}

/** A finding's evidence as tables: a list of records as rows, anything else as name/value pairs. */
function evidenceView(evidence: Record<string, unknown>): HTMLElement | null {
  const entries = Object.entries(evidence ?? {});
  if (!entries.length) return null;
  const box = h('div', { class: 'evidence' });
  const pairs: [string, string][] = [];
  for (const [k, v] of entries) {
    if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const cols = [...new Set(v.flatMap((x) => Object.keys(x as object)))];
      box.append(h('div', { class: 'muted', text: humanKey(k) }), table(cols.map(humanKey), (v as Record<string, unknown>[]).slice(0, 50).map((x) => cols.map((c) => evidenceValue(x[c]))), 'grid'));
      if (v.length > 50) box.append(h('p', { class: 'muted', text: `… and ${v.length - 50} more` }));
    } else pairs.push(evidenceEntry(k, v));
  }
  if (pairs.length) box.prepend(table(['Evidence', 'Value'], pairs, 'grid kv'));
  return box;
}

function renderHealth(): void {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  fill(health, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Health checks' }), h('span', { class: 'muted', text: `${countOf(counts.error, 'error')} · ${countOf(counts.warning, 'warning')} · ${countOf(counts.info, 'note')}${healthAt ? ` · checked ${new Date(healthAt).toLocaleTimeString()}` : ''}` }),
      h('button', { text: 'Check now', onClick: () => send({ type: 'refreshHealth' }) })),
    healthError ? h('p', { class: 'bad', text: `The health checks could not run: ${healthError}` }) : null,
    !findings.length && !healthError ? h('p', { class: 'muted', text: healthAt ? 'No findings.' : 'Checking…' }) : null,
    ...findings.map((f) => {
      const key = findingKey(f);
      const d = h('details', { class: `finding sev-${f.severity}` },
        h('summary', {}, h('span', { class: `sev sev-${f.severity}`, text: f.severity }), ' ', h('span', { class: 'muted category', text: f.category }), ' ', h('code', { class: 'check-id', text: f.checkId }), ' ', f.message),
        h('div', { class: 'finding-body' },
          f.help ? h('p', { text: f.help }) : null,
          h('p', {}, h('a', { class: 'docs-link', text: 'Why', title: `docs/health/${f.checkId}.md, shipped with PG Lens`, attrs: { href: '#' }, onClick: (e) => { e.preventDefault(); send({ type: 'openDocs', checkId: f.checkId }); } })),
          f.objects.length ? h('p', { class: 'muted', text: f.objects.map(objectLabel).join(' · ') }) : null,
          evidenceView(f.evidence),
          // Each button names its finding's object: out of their findings (a screen reader's list of buttons) ten read the
          // same "Open fix in editor", and a probe of the rendered text found none inside the closed findings (person45 L6).
          ...(f.fixSql.length ? [h('pre', { class: 'fix', text: f.fixSql.join('\n') }), h('button', {
            text: 'Open fix in editor',
            title: 'Open the fix SQL in a read-only editor, to read and copy (nothing runs)',
            attrs: { 'aria-label': `Open fix in editor: ${f.checkId}${f.objects[0] ? `, ${objectLabel(f.objects[0])}` : ''}` },
            onClick: () => send({ type: 'openSql', sql: f.fixSql.join('\n') }),
          })] : []),
          f.action ? actionButton(f.action, undefined, `${f.checkId}${f.objects[0] ? `, ${objectLabel(f.objects[0])}` : ''}`) : null,
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
    h('div', { class: 'panel-head' }, h('h2', { text: 'Trends' }), h('span', { class: 'muted', text: `${history.points.length} ${history.points.length === 1 ? 'snapshot' : 'snapshots'} kept` })),
    g.database ? h('p', { text: `Database grows ${fmtBytes(g.database.bytesPerDay)}/day; in 30 days about ${fmtBytes(g.database.projectedBytes)} (fit r² ${g.database.r2.toFixed(2)}).` }) : h('p', { class: 'muted', text: `Growth projections appear once the snapshots span ${g.needHours ? `${g.needHours} hours` : 'some time'}${g.spanHours !== undefined ? ` (they span ${fmtSpan(g.spanHours)} now)` : ''}; one is kept every 5 minutes while the panel is open.` }),
    g.tables.length ? table(['Table', 'Growth/day', 'In 30 days'], g.tables.slice(0, 10).map((t) => [`${t.schema}.${t.name}`, fmtBytes(t.projection.bytesPerDay), fmtBytes(t.projection.projectedBytes)]), 'grid') : null,
    history.regressions.length
      ? h('div', {}, h('h3', { text: 'Regressions (mean time up ≥ 50% vs the week before)' }),
          table(['Before', 'Now', 'Change', 'Calls', 'Query'], history.regressions.map((r) => [fmtMs(r.baselineMeanMs), fmtMs(r.recentMeanMs), `+${Math.round(r.increase * 100)}%`, fmtNum(r.recentCalls), sqlCode(oneLine(r.query, 200))]), 'grid'))
      : null,
  );
}


function renderAudit(): void {
  auditBox.hidden = audit.length === 0;
  fill(auditBox, 
    h('div', { class: 'panel-head' }, h('h2', { text: 'Maintenance log' })),
    // The statement last, as in Top statements: in a narrow pane it goes under the row's time, profile and result (the
    // log was 741 px wide in a 452 px pane, person26 LOW 8).
    table(['When', 'Profile', 'Result', 'Statement'], [...audit].reverse().slice(0, 20).map((a) => [new Date(a.atMs).toLocaleString(), a.profile, h('span', { class: a.ok ? 'result' : 'result bad', text: a.message }), sqlCode(a.statement)]), 'grid audit'),
  );
}

function renderNotes(): void {
  // Two lines each at most (a statement's text can be long): the whole text on hover.
  const text = (n: (typeof notes)[number]) => (n.at === undefined ? n.text : `${n.text} (alert since ${new Date(n.at).toLocaleTimeString()}${status === 'connected' ? '' : '; not checked while disconnected'})`);
  fill(notesBox, ...notes.slice(-3).map((n) => h('div', { class: `note ${n.ok ? 'ok' : 'bad'}`, text: text(n), attrs: { title: text(n) } })));
}

function renderLive(): void {
  // While Top statements is held, what grows above it is scrolled away: the row under the pointer stays under it.
  const before = statementsHeld ? statements.getBoundingClientRect().top : undefined;
  renderHeader();
  renderTiles();
  renderBlocking();
  renderActivity();
  renderStatements();
  renderProgress();
  renderReplication();
  if (before !== undefined) {
    const moved = statements.getBoundingClientRect().top - before;
    if (moved) window.scrollBy(0, moved);
  }
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
      if (m.state === 'no-connection' && (stats || findings.length || history || points.length || profileName)) {
        forgetDatabase();
        renderAll();
      }
      renderHeader();
      return;
    case 'stats':
      stats = m.stats;
      // pg_stat_statements was reset: the rows held under the pointer are gone too, not kept with their old figures until
      // the pointer leaves (person45 M1: 8–10 s of pre-reset rows under "0 statements in this database").
      if (m.stats.statements?.reset) statementsShown = [];
      pushSeries(m.hidden === true, m.opened === true);
      renderLive();
      return;
    case 'health':
      findings = m.findings;
      healthAt = m.atMs;
      healthError = m.error ?? '';
      renderHealth();
      return;
    case 'chartHistory': {
      // Stored points first, then whatever this webview sampled after the newest of them.
      const stored = parseChartPoints(m.points);
      const last = stored.length ? stored[stored.length - 1].atMs : -Infinity;
      points = points.filter((p) => p.atMs > last).reduce((list, p) => appendChartPoint(list, p), stored);
      drawCharts();
      return;
    }
    case 'history':
      history = m.history;
      renderTrends();
      return;
    case 'alerts':
      for (const a of m.alerts) notes.push({ text: a.message, ok: false, alertKey: a.key, at: Date.now() });
      // Banners already shown say today's figures ("has blocked 1 session for 49 s", not the 31 s it said at first).
      for (const a of m.current ?? []) for (const n of notes) if (n.alertKey === a.key) n.text = a.message;
      // Conditions that no longer hold: their alerts go away.
      for (let i = notes.length - 1; i >= 0; i--) if (notes[i].alertKey && !m.active.includes(notes[i].alertKey!)) notes.splice(i, 1);
      renderNotes();
      return;
    case 'actionProgress':
      pending.set(m.key, m.message);
      renderAll();
      return;
    case 'actionResult':
      pending.delete(m.key);
      notes.push({ text: m.message, ok: m.ok, until: Date.now() + NOTE_MS * (m.ok ? 1 : 2) });
      renderAll();
      return;
    case 'audit':
      audit = m.entries;
      renderAudit();
      return;
    case 'workloadProgress':
      workloadBench = { state: 'running', done: m.done, total: m.total, ...(m.current ? { current: m.current } : {}) };
      renderStatements();
      return;
    case 'workloadResult':
      workloadBench = { state: 'done', ok: m.ok, message: m.message, rows: m.rows, workload: m.workload, ...(m.workloadWithStandIns !== undefined ? { workloadWithStandIns: m.workloadWithStandIns } : {}) };
      renderStatements();
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
