/**
 * The HTML shell of every PG Lens webview: strict CSP (default-src 'none'), the script only by a
 * fresh nonce, styles and script from the extension's media folder, one #app element.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeHtml } from '../core/report';

export interface WebviewShell {
  title: string;
  /** Paths under media/ (e.g. ['dist', 'plan.js']). */
  script: string[];
  styles: string[][];
  /** Allow data: images (uPlot draws legends with them). */
  dataImages?: boolean;
  /** ARIA role and label of the #app element. */
  app?: { role: string; label: string };
}

const attr = escapeHtml;

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: WebviewShell): string {
  const nonce = randomBytes(18).toString('base64');
  const media = (p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...p)).toString();
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}${shell.dataImages ? ' data:' : ''}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  const app = shell.app ? ` role="${attr(shell.app.role)}" aria-label="${attr(shell.app.label)}"` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${shell.styles.map((s) => `<link rel="stylesheet" href="${media(s)}">`).join('\n')}
<title>${attr(shell.title)}</title>
</head>
<body>
<div id="app"${app}></div>
<script nonce="${nonce}" src="${media(shell.script)}"></script>
</body>
</html>`;
}
