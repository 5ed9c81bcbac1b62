/**
 * Plan viewer webview entry (bundled to media/dist/plan.js). Validates every message from the
 * extension, renders with DOM APIs only, saves the last message as state so the panel can be
 * restored after a reload, and says `ready` once listening.
 */
import { parseToPlanWebview, type FromPlanWebview, type ToPlanWebview } from '../shared/planProtocol';
import { renderBenchmark, renderCompare, renderMessage, renderPlan, type PlanViewer } from './_planRender';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') as HTMLElement;
const post = (m: FromPlanWebview) => vscode.postMessage(m);

/** The plan on screen, if any: a benchmark of its statement shows beside it. */
let viewer: PlanViewer | undefined;
let shownPlan: ToPlanWebview | undefined;

function handle(m: ToPlanWebview): void {
  try {
    switch (m.type) {
      case 'show':
        viewer = renderPlan(root, m.payload, post);
        shownPlan = m;
        vscode.setState({ last: m });
        break;
      case 'compare':
        renderCompare(root, m.before, m.after);
        viewer = undefined;
        shownPlan = undefined;
        vscode.setState({ last: m });
        break;
      case 'benchmark':
        if (viewer) {
          viewer.showBenchmark(m.run, m.previous);
          vscode.setState({ last: shownPlan, bench: m });
        } else {
          renderBenchmark(root, m.run, m.previous);
          vscode.setState({ last: m });
        }
        break;
      case 'busy':
      case 'error':
        viewer = undefined;
        renderMessage(root, m.type, m.message);
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  } catch (e) {
    renderMessage(root, 'error', `Cannot show this plan: ${(e as Error).message}`);
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
