/**
 * Commands a hover's links run. The hover closes when its command runs (person38 L2: after "Explain Analyze" or
 * "Suggest indexes" the hover stayed open over the new panel, the mouse still on the link).
 */
import * as vscode from 'vscode';

/** `run` with the editor's hover closed first (a no-op where no hover is shown: the palette, a CodeLens). */
export function closingHover<A extends unknown[], R>(run: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    void Promise.resolve(vscode.commands.executeCommand('editor.action.hideHover')).catch(() => undefined);
    return run(...args);
  };
}
