/** The audit log with its chain verification, fetched incrementally (?after=) after each status. */
import type { AuditAnswer } from "./api-types.js";
import { api, S } from "./app-state.js";
import { add, clear, enc, h, when } from "./dom.js";
import { renderThread } from "./conversation.js";
import type { ReleasePage } from "./release-page-state.js";

export async function loadAudit(P: ReleasePage): Promise<void> {
  const a = await api<AuditAnswer>("GET", `/api/releases/${enc(P.version)}/audit?after=${P.auditSeq}`);
  if (S.page !== P) return;
  const v = a.verification;
  if (!P.el.verify || !P.el.events) {
    P.el.verify = h("p", { id: "audit-verify" });
    P.el.events = h("ol", { class: "events", id: "audit-events", reversed: true });
    add(clear(P.el.audit), [
      P.el.verify,
      h("details", null, h("summary", { id: "audit-count" }, "Events"), P.el.events),
    ]);
  }
  P.el.verify.className = `verify ${v.ok ? "ok" : "bad"}`;
  P.el.verify.textContent = v.ok
    ? `✔ Chain intact: ${v.count} events, last hash ${v.lastHash.slice(0, 12)}`
    : `✘ Chain broken at event ${v.bad?.seq ?? "?"}: ${v.bad?.reason ?? ""}`;
  for (const e of a.events) {
    P.events.push(e);
    P.auditSeq = Math.max(P.auditSeq, e.seq);
    P.el.events.insertBefore(
      h(
        "li",
        null,
        h("span", { class: "seq mono" }, `#${e.seq}`),
        h("span", null, e.type),
        h("span", { class: "muted" }, `${e.actor.id} · ${when(e.at)}`),
        h("span", { class: "hash mono" }, String(e.hash).slice(0, 12)),
      ),
      P.el.events.firstChild,
    );
  }
  const count = document.getElementById("audit-count");
  if (count) count.textContent = `${P.events.length} events (newest first)`;
  if (a.events.length || !P.threadDrawn) {
    P.threadDrawn = true;
    renderThread(P);
  }
}
