/**
 * The markdown of reports and release documents (headings, lists, tables, fenced code, paragraphs,
 * **bold**, `code`, [links](…)) turned into DOM nodes — never into an HTML string, so a document
 * that quotes HTML shows it as text. Links keep only http(s) and in-page addresses.
 */
import { add, h, type Child } from "./dom.js";

const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

function safeHref(href: string): string | null {
  return /^(https?:\/\/|#)/i.test(href) ? href : null;
}

export function inlineMd(s: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of s.matchAll(INLINE)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    if (m[1] !== undefined) out.push(h("strong", null, m[1]));
    else if (m[2] !== undefined) out.push(h("code", null, m[2]));
    else {
      const href = safeHref(m[4] ?? "");
      out.push(href ? h("a", { href, rel: "noopener noreferrer", target: "_blank" }, m[3]) : (m[3] ?? ""));
    }
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((c) => c.trim());

export function markdown(text: string | null | undefined): HTMLDivElement {
  const root = h("div", { class: "md" });
  let para: HTMLParagraphElement | null = null;
  let list: HTMLUListElement | null = null;
  let code: HTMLElement | null = null;
  let table: HTMLTableSectionElement | null = null;
  const lines = String(text ?? "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (code) {
      if (/^\s*```/.test(line)) code = null;
      else code.textContent += `${line}\n`;
      continue;
    }
    if (/^\s*```/.test(line)) {
      para = list = table = null;
      code = h("code");
      root.appendChild(h("pre", null, code));
      continue;
    }
    // A table: a row of cells, then a separator row of dashes.
    if (/^\s*\|.*\|\s*$/.test(line)) {
      para = list = null;
      if (!table && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1] ?? "")) {
        const body = h("tbody");
        root.appendChild(
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              null,
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  cells(line).map((c) => h("th", null, inlineMd(c))),
                ),
              ),
              body,
            ),
          ),
        );
        table = body;
        i++;
        continue;
      }
      if (table) {
        table.appendChild(
          h(
            "tr",
            null,
            cells(line).map((c) => h("td", null, inlineMd(c))),
          ),
        );
        continue;
      }
    }
    table = null;
    const head = /^(#{1,6})\s+(.*)$/.exec(line);
    if (head) {
      para = list = null;
      const level = Math.min(head[1]!.length + 2, 6) as 3 | 4 | 5 | 6;
      root.appendChild(h(`h${level}`, null, inlineMd(head[2]!)));
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      para = null;
      if (!list) {
        list = h("ul");
        root.appendChild(list);
      }
      list.appendChild(h("li", null, inlineMd(item[1]!)));
      continue;
    }
    if (!line.trim()) {
      para = list = null;
      continue;
    }
    list = null;
    if (!para) {
      para = h("p");
      root.appendChild(para);
    } else para.appendChild(document.createTextNode("\n"));
    add(para, inlineMd(line));
  }
  return root;
}
