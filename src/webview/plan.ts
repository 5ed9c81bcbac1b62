/**
 * Plan viewer webview entry (bundled to media/dist/plan.js). Validates every message from the
 * extension, renders with DOM APIs only, saves the last message as state so the panel can be
 * restored after a reload, and says `ready` once listening.
 */
import { parseToPlanWebview, type FromPlanWebview, type ToPlanWebview } from '../shared/planProtocol';
import { renderBenchmark, renderCompare, renderMessage, renderPlan } from './_planRender';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') as HTMLElement;
const post = (m: FromPlanWebview) => vscode.postMessage(m);

function handle(m: ToPlanWebview): void {
  try {
    switch (m.type) {
      case 'show':
        renderPlan(root, m.payload, post);
        vscode.setState({ last: m });
        break;
      case 'compare':
        renderCompare(root, m.before, m.after);
        vscode.setState({ last: m });
        break;
      case 'benchmark':
        renderBenchmark(root, m.run, m.previous);
        vscode.setState({ last: m });
        break;
      case 'busy':
      case 'error':
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

const saved = parseToPlanWebview((vscode.getState() as any)?.last);
if (saved) handle(saved);
post({ type: 'ready' });
