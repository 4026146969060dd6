/**
 * Dashboard script, part 2: the gate reports' markdown subset (headings, lists, fenced code,
 * paragraphs, **bold**, `code`) turned into DOM nodes — never into an HTML string, so a report
 * that quotes HTML shows it as text.
 */
export const MARKDOWN_JS = String.raw`
function inlineMd(s) {
  const out = [];
  const re = /\*\*([^*]+)\*\*|\x60([^\x60]+)\x60/g;
  let last = 0;
  let m;
  while ((m = re.exec(s))) {
    if (m.index > last) out.push(s.slice(last, m.index));
    out.push(m[1] !== undefined ? h("strong", null, m[1]) : h("code", null, m[2]));
    last = re.lastIndex;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

function markdown(text) {
  const root = h("div", { class: "md" });
  let para = null;
  let list = null;
  let code = null;
  for (const line of String(text || "").split(/\r?\n/)) {
    if (code) {
      if (/^\s*\x60\x60\x60/.test(line)) code = null;
      else code.textContent += line + "\n";
      continue;
    }
    if (/^\s*\x60\x60\x60/.test(line)) {
      para = list = null;
      code = h("code");
      root.appendChild(h("pre", null, code));
      continue;
    }
    const head = /^(#{1,6})\s+(.*)$/.exec(line);
    if (head) {
      para = list = null;
      root.appendChild(h("h" + Math.min(head[1].length + 2, 6), null, inlineMd(head[2])));
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      para = null;
      if (!list) { list = h("ul"); root.appendChild(list); }
      list.appendChild(h("li", null, inlineMd(item[1])));
      continue;
    }
    if (!line.trim()) { para = list = null; continue; }
    list = null;
    if (!para) { para = h("p"); root.appendChild(para); }
    else para.appendChild(document.createTextNode("\n"));
    add(para, inlineMd(line));
  }
  return root;
}
`;
