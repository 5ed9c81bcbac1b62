/** Tiny DOM helpers: every string goes in through textContent (innerHTML is banned by lint). */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; title?: string; text?: string; onClick?: (e: MouseEvent) => void; disabled?: boolean; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.onClick) el.addEventListener('click', props.onClick as EventListener);
  if (props.disabled) (el as HTMLButtonElement).disabled = true;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** replaceChildren, skipping empty slots. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A figure with its unit ("250.7 ms", "10.8 k", "100%", "1,005"): one unbreakable piece in a table cell. */
const FIGURE = /^[-+]?[\d.,]+(\s?[a-zA-Zµ%]{1,4}(\/s)?)?$/;

export function table(headers: string[], rows: Child[][], cls = ''): HTMLTableElement {
  return h(
    'table',
    { class: cls },
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { text: x })))),
    // A narrow pane broke "250.7 ms" into "250.7" over "ms" and "10.8 k" into "10.8" over "k": figures keep their unit on their line.
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', typeof c === 'string' && FIGURE.test(c) ? { class: 'figure' } : {}, c))))),
  );
}
