/** The showInputBox / showQuickPick / createQuickPick calls in a piece of source, each up to its closing parenthesis (lint tests of prompts). */
export function promptCalls(body: string): string[] {
  return [...body.matchAll(/vscode\.window\.(showInputBox|showQuickPick|createQuickPick)(?:<[^>()]*>)?\(/g)].map((m) => {
    let depth = 0;
    let i = m.index! + m[0].length - 1;
    for (; i < body.length; i++) {
      if (body[i] === '(') depth++;
      else if (body[i] === ')' && --depth === 0) break;
    }
    return body.slice(m.index!, i + 1);
  });
}
