/**
 * Where a rule's or a health check's docs page is: ONE decision for every surface. The pages are
 * docs/rules/<id>.md and docs/health/<id>.md, relative to the package root; they ship in the .vsix
 * (.vscodeignore) and sit beside the CLI in the repository. The project publishes no web copy, so no
 * surface links a web address: the editor opens the shipped file (vscode/docs.ts), the CLI prints the
 * path and puts the page itself into SARIF (GitHub code scanning shows a rule's help.markdown).
 */

/** The docs page of a rule id (query rules, missing-index, n-plus-one, …), relative to the package root. */
export function ruleDocsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

/** The docs page of a health check id, relative to the package root. */
export function healthDocsPath(checkId: string): string {
  return `docs/health/${checkId}.md`;
}

/** A docs path as the two functions above make it (for validating a command's argument). */
export function isDocsPath(p: unknown): p is string {
  return typeof p === 'string' && /^docs\/(rules|health)\/[a-z0-9]+(-[a-z0-9]+)*\.md$/.test(p);
}
