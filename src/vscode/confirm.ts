/**
 * The one modal confirmation of PG Lens (core/confirm decides the buttons' order): `destructive` confirmations make the
 * button that keeps things as they are the primary one, so Enter never runs what cannot be undone.
 */
import * as vscode from 'vscode';
import { confirmItems, type ConfirmItem, type ConfirmLabels } from '../core/confirm';

/** The one modal warning of a confirmation (every one of PG Lens goes through it): the item chosen, or none (Escape, VS Code's Cancel). */
async function modal(message: string, detail: string, items: readonly ConfirmItem[]): Promise<{ confirms: boolean } | undefined> {
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...items.map((i) => ({ title: i.title, isCloseAffordance: i.close, confirms: i.confirms })));
}

/** A modal warning with `items` (core/confirm): whether the person chose the item that confirms. */
export async function askConfirm(message: string, detail: string, items: readonly ConfirmItem[]): Promise<boolean> {
  return !!(await modal(message, detail, items))?.confirms;
}

/** A confirmation of what can be undone or costs only load ("Run benchmark"): the action first, Cancel (Escape) beside it. */
export function confirmAction(message: string, detail: string, labels: ConfirmLabels): Promise<boolean> {
  return askConfirm(message, detail, confirmItems(labels, false));
}

/** A confirmation of what cannot be undone (or changes a server): Enter and Escape keep, the action takes a click. */
export function confirmDestructive(message: string, detail: string, labels: ConfirmLabels): Promise<boolean> {
  return askConfirm(message, detail, confirmItems(labels, true));
}

/**
 * A confirmation of what cannot be undone whose keeping button does something of its own (Explain Analyze's "Estimated
 * plan only"): which was chosen, the action ('confirm'), the keeping button ('keep'), or nothing (VS Code's Cancel, Escape).
 */
export async function chooseDestructive(message: string, detail: string, labels: ConfirmLabels): Promise<'confirm' | 'keep' | undefined> {
  const pick = await modal(message, detail, confirmItems(labels, true));
  return !pick ? undefined : pick.confirms ? 'confirm' : 'keep';
}
