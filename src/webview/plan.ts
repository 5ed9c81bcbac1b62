/**
 * Plan viewer webview entry (bundled to media/dist/plan.js). Validates every message from the
 * extension, renders with DOM APIs only, saves the last message as state so the panel can be
 * restored after a reload, and says `ready` once listening.
 */
import { parseToPlanWebview, type FromPlanWebview, type ToPlanWebview } from '../shared/planProtocol';
import { renderBenchmark, renderCompare, renderMessage, renderPlan, type PlanViewer, type SqlFormatter } from './_planRender';
import { errorMessage } from '../core/safeText';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') as HTMLElement;
const post = (m: FromPlanWebview) => vscode.postMessage(m);

/**
 * The SQL formatter (media/dist/sqlFormat.js, beside this script) is loaded the first time the Query
 * tab needs it, by a script element carrying this page's nonce: the CSP stays nonce-only.
 */
const self = document.currentScript as HTMLScriptElement | null;
const nonce = self?.nonce ?? '';
const formatterUrl = self?.src ? new URL('sqlFormat.js', self.src).toString() : undefined;
let formatter: Promise<SqlFormatter | undefined> | undefined;
function loadSqlFormatter(): Promise<SqlFormatter | undefined> {
  const g = globalThis as { pgLensFormatSql?: SqlFormatter };
  formatter ??= new Promise((resolve) => {
    if (g.pgLensFormatSql || !formatterUrl) return resolve(g.pgLensFormatSql);
    const s = document.createElement('script');
    s.nonce = nonce;
    s.src = formatterUrl;
    s.onload = () => resolve(g.pgLensFormatSql);
    s.onerror = () => resolve(undefined);
    document.head.appendChild(s);
  });
  return formatter;
}

/** The plan on screen, if any: a benchmark of its statement shows beside it. */
let viewer: PlanViewer | undefined;
let shownPlan: ToPlanWebview | undefined;
/** The benchmark shown beside that plan, kept with it in the state. */
let shownBench: ToPlanWebview | undefined;

function handle(m: ToPlanWebview): void {
  try {
    switch (m.type) {
      case 'show':
        viewer = renderPlan(root, m.payload, post, { loadSqlFormatter });
        shownPlan = m;
        shownBench = undefined;
        vscode.setState({ last: m });
        break;
      case 'advice': {
        // The index advice answered for the statement of the plan shown: its tips say it, in place.
        if (!viewer || shownPlan?.type !== 'show' || shownPlan.payload.adviceSql !== m.adviceSql) break;
        const { provedIndexes: _proved, adviceAnswer: _answer, ...rest } = shownPlan.payload;
        const payload = { ...rest, ...(m.provedIndexes?.length ? { provedIndexes: m.provedIndexes } : {}), ...(m.adviceAnswer !== undefined ? { adviceAnswer: m.adviceAnswer } : {}) };
        shownPlan = { type: 'show', payload };
        viewer.updateAdvice(payload);
        vscode.setState({ last: shownPlan, ...(shownBench ? { bench: shownBench } : {}) });
        break;
      }
      case 'compare':
        renderCompare(root, m.before, m.after);
        viewer = undefined;
        shownPlan = undefined;
        vscode.setState({ last: m });
        break;
      case 'benchmark':
        if (viewer) {
          viewer.showBenchmark(m.run, m.previous);
          shownBench = m;
          vscode.setState({ last: shownPlan, bench: m });
        } else {
          renderBenchmark(root, m.run, m.previous, loadSqlFormatter);
          vscode.setState({ last: m });
        }
        break;
      case 'benchmarkError':
        // Beside the plan when one is shown; alone otherwise.
        if (viewer) viewer.showBenchmarkError(m.message);
        else renderMessage(root, 'error', m.message);
        break;
      case 'notice':
        // Beside the plan when one is shown (the plan stays); alone otherwise.
        if (viewer) viewer.showNotice(m.message, m.busy);
        else renderMessage(root, m.busy ? 'busy' : 'error', m.message);
        break;
      case 'busy':
        viewer = undefined;
        renderMessage(root, m.type, m.message);
        break;
      case 'error':
        // Kept like a plan: a panel that only ever showed an error came back blank after a reload.
        viewer = undefined;
        shownPlan = undefined;
        renderMessage(root, m.type, m.message);
        vscode.setState({ last: m });
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  } catch (e) {
    renderMessage(root, 'error', `Cannot show this plan: ${errorMessage(e)}`);
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseToPlanWebview(e.data);
  if (m) handle(m);
});

const state = vscode.getState() as any;
const saved = parseToPlanWebview(state?.last);
if (saved) handle(saved);
const savedBench = parseToPlanWebview(state?.bench);
if (saved && savedBench) handle(savedBench);
post({ type: 'ready' });
