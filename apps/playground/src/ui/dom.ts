/**
 * The page's DOM description: render functions return {@link VNode} trees (plain
 * data, testable in Node without a DOM), and {@link mount} turns one into real
 * nodes. This is the whole "framework": the page re-renders a view from its
 * state and swaps it in (src/ui/mount.ts), which is cheap at the page's size
 * (a few hundred nodes) and keeps every view a pure function of the state.
 */

export type Handler = (ev: Event) => void;
export type PropValue = string | number | boolean | null | undefined | Handler;
export type Props = Record<string, PropValue>;
export type Child = VNode | string | number | null | undefined | false | readonly Child[];

export interface VNode {
  tag: string;
  /** 'svg' for the timeline's SVG subtree (created with createElementNS). */
  ns: 'html' | 'svg';
  attrs: Record<string, string>;
  /** Event listeners by event type ('click', 'keydown', …). */
  on: Record<string, Handler>;
  children: (VNode | string)[];
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'g', 'rect', 'line', 'text', 'title', 'path', 'polygon', 'circle', 'tspan']);

function flatten(children: readonly Child[], out: (VNode | string)[]): (VNode | string)[] {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) flatten(c, out);
    else if (typeof c === 'string' || typeof c === 'number') out.push(String(c));
    else out.push(c as VNode);
  }
  return out;
}

/**
 * Describes one element. Props named `on<event>` with a function value are
 * listeners; `true` renders an empty attribute, `false`/`null`/`undefined` none.
 *
 * Returns: the element's description.
 */
export function h(tag: string, props: Props | null = null, ...children: Child[]): VNode {
  const attrs: Record<string, string> = {};
  const on: Record<string, Handler> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (typeof v === 'function') {
      if (!k.startsWith('on')) throw new TypeError(`h(): prop ${k} of <${tag}> is a function but not on<event>`);
      on[k.slice(2).toLowerCase()] = v;
    } else if (v === true) attrs[k] = '';
    else if (v !== false && v !== null && v !== undefined) attrs[k] = String(v);
  }
  return { tag, ns: SVG_TAGS.has(tag) ? 'svg' : 'html', attrs, on, children: flatten(children, []) };
}

/** Turns a description into DOM nodes of `doc`. Context: browser main thread. */
export function mount(node: VNode | string, doc: Document): Node {
  if (typeof node === 'string') return doc.createTextNode(node);
  const el = node.ns === 'svg' ? doc.createElementNS(SVG_NS, node.tag) : doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) el.setAttribute(k, v);
  for (const [type, fn] of Object.entries(node.on)) el.addEventListener(type, fn);
  for (const c of node.children) el.appendChild(mount(c, doc));
  // A <select>'s or <input>'s value attribute is its default; the property is
  // what shows once options exist.
  if ('value' in node.attrs && (node.tag === 'select' || node.tag === 'input' || node.tag === 'textarea')) {
    (el as HTMLInputElement).value = node.attrs.value ?? '';
  }
  return el;
}

/** Every node of the tree, depth first (the root included). */
export function* walk(node: VNode): Generator<VNode> {
  yield node;
  for (const c of node.children) if (typeof c !== 'string') yield* walk(c);
}

/** Every descendant (or the root) matching `pred`. */
export function findAll(node: VNode, pred: (n: VNode) => boolean): VNode[] {
  return [...walk(node)].filter(pred);
}

/** The first node with attribute `name` (equal to `value` when given), or undefined. */
export function byAttr(node: VNode, name: string, value?: string): VNode | undefined {
  for (const n of walk(node)) if (name in n.attrs && (value === undefined || n.attrs[name] === value)) return n;
  return undefined;
}

/** The text content of a tree, as the DOM's textContent would be. */
export function textOf(node: VNode | string): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
