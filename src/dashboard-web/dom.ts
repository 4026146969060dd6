/**
 * Building DOM nodes. Text only ever goes in as text nodes (`add`), never as markup, so nothing a
 * user typed, a report quoted or a document contains can become HTML in the page.
 */

/** What `h` and `add` accept as children: nodes, text, lists of them; null/undefined/false add nothing. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

type AttrValue = string | number | boolean | null | undefined;
/** Attributes by name; `on<event>` names take a listener, `class` the class name, `value` a form value. */
export type Attrs = Record<string, AttrValue | ((ev: Event) => unknown)>;

export function add(el: Node, c: Child): void {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) {
    for (const x of c as readonly Child[]) add(el, x);
    return;
  }
  el.appendChild(typeof c === "object" ? (c as Node) : document.createTextNode(String(c)));
}

/** Example: `h("p", {class: "muted"}, "Waiting since ", when(at))`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = String(v);
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  add(el, children);
  return el;
}

export function clear<T extends Node>(el: T): T {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** The page's one element by id (the shell in index-html.ts has them). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`The page has no #${id}.`);
  return el as T;
}

export function badge(text: string, kind?: string): HTMLSpanElement {
  return h("span", { class: `badge ${kind ?? text}` }, text);
}

export function enc(s: string): string {
  return encodeURIComponent(s);
}

/** A time as the reader's locale writes it. */
export function when(iso: string | null | undefined): string {
  const d = new Date(iso ?? "");
  return isNaN(d.getTime()) ? String(iso ?? "") : d.toLocaleString();
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 2 * 3600000) return `${Math.round(ms / 60000)} min`;
  if (ms < 2 * 86400000) return `${Math.round(ms / 3600000)} h`;
  return `${Math.round(ms / 86400000)} days`;
}

/** How long ago, for "waiting since": `12 min`. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  const t = Date.parse(iso ?? "");
  return isNaN(t) ? "" : duration(Math.max(0, now - t));
}

/** A <time> that says when and how long ago; the page's ticker refreshes `data-since` elements. */
export function since(iso: string, prefix = ""): HTMLElement {
  return h(
    "time",
    { datetime: iso, title: when(iso), "data-since": iso, "data-prefix": prefix },
    `${prefix}${ago(iso)}`,
  );
}

/** Refreshes every `since` element under `root` (the ticker calls it each second). */
export function refreshSince(root: ParentNode): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>("[data-since]"))) {
    el.textContent = `${el.dataset.prefix ?? ""}${ago(el.dataset.since)}`;
  }
}
