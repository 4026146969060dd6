/**
 * The gate, made for deciding: the structured view core builds (GET …/gate) drawn as sections —
 * findings first, the phase's steps, the changes since the previous release with links to the
 * forge, the artifacts with their digests, the documents — and beside it the decision: who must
 * approve and who did, since when it waits, what is still open, and the two answers. GO (and any
 * approval while something is open) asks again and lists what is open. The controls show only
 * when /api/me says this identity may decide; the server decides again on every request.
 */
import type { GateChange } from "../core/gate-view.js";
import type { GateView } from "./api-types.js";
import { api, failMessage, me, roleLabel, S, toast } from "./app-state.js";
import { badge, clear, enc, h, since, when, type Child } from "./dom.js";
import { may } from "./manage.js";
import { markdown } from "./markdown.js";
import { signWithPasskey } from "./passkey.js";
import { update, verdictMark } from "./release-page.js";
import type { ReleasePage } from "./release-page-state.js";
import type { DecisionAnswer } from "./api-types.js";

const KIND_TITLE: Record<string, string> = {
  "go-no-go": "GO / NO-GO decision",
  certification: "Certification",
  readiness: "Readiness",
  incident: "Incident",
  deviation: "Scope deviation",
};

/** Fetches the open gate's structured view when the status shows a gate. */
export async function loadGate(P: ReleasePage): Promise<void> {
  const g = P.status?.gate;
  if (!g) return;
  const r = await api<{ gate: GateView | null }>("GET", `/api/releases/${enc(P.version)}/gate`);
  if (S.page !== P) return;
  P.gate = r.gate;
  renderGate(P);
}

/** Shows or hides the gate at once from the status; draws its sections once the view for this round is there. */
export function renderGate(P: ReleasePage): void {
  const g = P.status?.gate;
  const box = P.el.gate;
  const side = P.el.decision;
  if (!g) {
    box.hidden = side.hidden = true;
    clear(box);
    clear(side);
    P.keys.gate = P.keys.decide = null;
    P.el.decide = null;
    return;
  }
  box.hidden = side.hidden = false;
  const v = P.gate && P.gate.round === g.round ? P.gate : null;
  if (!v) {
    if (!box.firstChild) box.appendChild(h("p", { class: "muted" }, "Loading the report…"));
    return;
  }
  const key = JSON.stringify([
    v.roundHash,
    v.findings.map((f) => f.code + f.message),
    v.approvals.approved.map((a) => a.by),
    v.open,
    v.documents.length,
    me().id,
    may(P, "approve"),
  ]);
  if (P.keys.gate === key) return;
  P.keys.gate = key;
  drawSections(box, v);
  drawDecision(P, side, v);
}

function drawSections(box: HTMLElement, v: GateView): void {
  clear(box);
  box.appendChild(
    h(
      "div",
      { class: "head" },
      h("h2", null, `${KIND_TITLE[v.kind] ?? "Approval"} · step ${v.round}`),
      badge(v.kind, "info"),
      h(
        "span",
        { class: "muted small mono", title: "The hash of what this round shows" },
        `report ${v.roundHash.slice(0, 12)}`,
      ),
    ),
  );
  box.appendChild(h("p", { id: "gate-title" }, v.title));
  box.appendChild(
    h(
      "div",
      { class: "report", id: "report" },
      findingsSection(v),
      stepsSection(v),
      changesSection(v),
      artifactsSection(v),
      documentsSection(v),
      h(
        "details",
        { id: "report-text", class: "gsec" },
        h("summary", null, "The full text report (as the CLI prints it)"),
        markdown(v.report),
      ),
    ),
  );
}

function section(id: string, title: Child, ...body: Child[]): HTMLElement {
  return h("section", { class: "gsec", id }, h("h3", null, title), body);
}

function findingsSection(v: GateView): HTMLElement {
  if (!v.findings.length)
    return section("findings-sec", "Findings", h("p", { class: "muted", id: "findings" }, "No findings."));
  return section(
    "findings-sec",
    `Findings (${v.findings.length})`,
    h(
      "ul",
      { class: "findings", id: "findings" },
      v.findings.map((f) =>
        h(
          "li",
          { class: f.severity },
          badge(f.severity),
          " ",
          h("code", null, f.code),
          " ",
          f.message,
          f.source ? h("span", { class: "muted small" }, ` (${f.source})`) : null,
        ),
      ),
    ),
  );
}

function stepsSection(v: GateView): HTMLElement {
  return section(
    "gate-steps-sec",
    `Phase ${v.phase} · ${v.phaseName}`,
    h(
      "ul",
      { class: "steps", id: "gate-steps" },
      v.steps.map((st) =>
        h(
          "li",
          { "data-step": st.step },
          verdictMark(st.verdict),
          h("span", { class: "mono sid" }, st.step),
          h("span", { class: "stitle" }, st.title),
          st.summary ? h("span", { class: "ssum muted" }, st.summary) : null,
        ),
      ),
    ),
  );
}

function commitLink(c: { commit: string; url: string | null }): HTMLElement {
  const code = h("code", null, c.commit.slice(0, 7));
  return c.url ? h("a", { href: c.url, class: "commit", rel: "noopener noreferrer", target: "_blank" }, code) : code;
}

function changeItem(c: GateChange): HTMLElement {
  return h(
    "li",
    { "data-commit": c.commit },
    commitLink(c),
    " ",
    c.scope ? h("strong", null, `${c.scope}: `) : null,
    c.description,
    c.breaking ? [" ", badge("breaking", "bad")] : null,
    h("span", { class: "muted small" }, ` — ${c.author}`),
  );
}

function changesSection(v: GateView): HTMLElement | null {
  const c = v.changes;
  if (!c) return null;
  const counts = `${c.counts.commits} commit(s), ${c.counts.changes} change(s)${c.counts.breaking ? `, ${c.counts.breaking} breaking` : ""}`;
  return section(
    "changes",
    c.previous ? `Changes since ${c.previous}` : "Changes (first release)",
    h(
      "p",
      { class: "muted small" },
      counts,
      c.compareUrl
        ? [
            " · ",
            h(
              "a",
              { href: c.compareUrl, rel: "noopener noreferrer", target: "_blank", id: "compare" },
              "compare on the forge",
            ),
          ]
        : null,
    ),
    c.breaking.length
      ? [h("h4", null, "Breaking changes"), h("ul", { class: "changes" }, c.breaking.map(changeItem))]
      : null,
    c.groups.map((g) =>
      h(
        "div",
        { class: "change-group", "data-group": g.key },
        h("h4", null, g.title),
        h(
          "ul",
          { class: "changes" },
          g.entries.map(changeItem),
          g.omitted ? h("li", { class: "muted" }, `and ${g.omitted} more`) : null,
        ),
      ),
    ),
  );
}

function size(n: number | undefined): string {
  if (n === undefined) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / 104857.6) / 10} MB`;
}

function artifactsSection(v: GateView): HTMLElement {
  const built = v.commit
    ? h("p", { class: "muted small" }, "The package: commit ", h("code", null, v.commit.slice(0, 12)))
    : null;
  if (!v.artifacts.length && !v.images.length)
    return section(
      "artifacts",
      "Artifacts",
      built,
      h("p", { class: "muted" }, "No artifacts recorded (the config names no build artifacts)."),
    );
  return section(
    "artifacts",
    `Artifacts (${v.artifacts.length + v.images.length})`,
    built,
    h(
      "ul",
      { class: "artifacts" },
      v.artifacts.map((a) =>
        h(
          "li",
          { "data-artifact": a.name },
          h("span", { class: "aname" }, a.name),
          a.size !== undefined ? h("span", { class: "muted small" }, size(a.size)) : null,
          h("code", { class: "digest" }, `sha256:${a.sha256}`),
        ),
      ),
      v.images.map((i) =>
        h(
          "li",
          { "data-image": i.ref ?? i.digest },
          h("span", { class: "aname" }, i.ref ?? "image"),
          h("code", { class: "digest" }, i.digest),
        ),
      ),
    ),
  );
}

function documentsSection(v: GateView): HTMLElement {
  if (!v.documents.length)
    return section(
      "documents",
      "Documents",
      h("p", { class: "muted" }, "None written yet: each phase's approval writes its documents."),
    );
  return section(
    "documents",
    `Documents (${v.documents.length})`,
    h(
      "ul",
      { class: "docs" },
      v.documents.map((d) =>
        h(
          "li",
          null,
          h("a", { href: `#/r/${enc(v.release)}/doc/${enc(d.name)}`, "data-doc": d.name }, d.name),
          d.phase ? h("span", { class: "muted small" }, ` · phase ${d.phase}`) : null,
        ),
      ),
    ),
  );
}

/** What is still open at the gate, as lines (for the side panel and the confirmation). */
function openLines(v: GateView): HTMLElement[] {
  return [
    ...v.open.questions.map((q) =>
      h(
        "li",
        { "data-open": q.id },
        badge(`question ${q.id}`, "warn"),
        ` unanswered, from ${q.by}: `,
        h("q", null, q.text),
      ),
    ),
    ...v.open.feedback.map((f) =>
      h(
        "li",
        { "data-open": f.id },
        badge(`feedback ${f.id}`, "warn"),
        ` no response yet, from ${f.by}: `,
        h("q", null, f.text),
      ),
    ),
    ...(v.open.criticalFindings
      ? [
          h(
            "li",
            { "data-open": "critical" },
            badge("critical", "bad"),
            ` ${v.open.criticalFindings} critical finding(s): the approval needs a waiver`,
          ),
        ]
      : []),
  ];
}

function drawDecision(P: ReleasePage, side: HTMLElement, v: GateView): void {
  const a = v.approvals;
  const open = openLines(v);
  // Keep the decision form while the gate is the same, so an update does not wipe what is being typed.
  const decideKey = JSON.stringify([
    v.round,
    v.kind,
    v.open.criticalFindings,
    a.approved.map((x) => x.by),
    me().id,
    may(P, "approve"),
  ]);
  if (P.keys.decide !== decideKey || !P.el.decide) {
    P.keys.decide = decideKey;
    P.el.decide = decisionControls(P, v);
  }
  clear(side);
  side.appendChild(h("h2", null, `Decision · ${v.decision.yes} / ${v.decision.no}`));
  // Which release and round this is (on a phone the decision is the first thing on the page).
  side.appendChild(
    h(
      "p",
      { class: "muted small", id: "decision-what" },
      `v${v.version} → ${v.environment} · ${v.sev} · step ${v.round}`,
    ),
  );
  side.appendChild(
    h(
      "p",
      { id: "waiting", class: "waiting" },
      "Waiting for a HUM LEAD ",
      since(v.openedAt, "for "),
      h("span", { class: "muted small" }, ` (since ${when(v.openedAt)})`),
    ),
  );
  side.appendChild(
    h(
      "p",
      { id: "approvals" },
      h("strong", null, `Approvals ${a.approved.length} of ${a.required}`),
      a.approved.length ? `: ${a.approved.map((x) => `${x.by} (${when(x.at)})`).join(", ")}` : "",
      a.waitingFor.length && a.approved.length < a.required
        ? h("span", { class: "muted" }, ` · may approve: ${a.waitingFor.join(", ")}`)
        : null,
    ),
  );
  side.appendChild(
    h(
      "div",
      { id: "open-items", class: open.length ? "open-items" : "open-items none" },
      h("h3", null, open.length ? `Still open (${open.length})` : "Nothing open"),
      open.length
        ? h("ul", null, open)
        : h(
            "p",
            { class: "muted small" },
            "No unanswered question, no feedback without a response, no critical finding.",
          ),
    ),
  );
  side.appendChild(P.el.decide);
}

function decisionControls(P: ReleasePage, v: GateView): HTMLElement {
  const { yes: yesLabel, no: noLabel } = v.decision;
  if (!may(P, "approve")) {
    return h(
      "p",
      { class: "notice decide", id: "decide-info" },
      `Only a HUM LEAD can ${yesLabel.toLowerCase()} or ${noLabel.toLowerCase()} here. You are signed in as ${me().id} (${roleLabel(me().role)}); you can give feedback below.`,
    );
  }
  const mine = v.approvals.approved.some((a) => a.by.toLowerCase() === me().id.toLowerCase());
  const note = h("input", { name: "note", id: "decide-note", placeholder: "Optional note for the record" });
  const waive = v.decision.waiverRequired
    ? h("textarea", {
        name: "waive",
        id: "decide-waive",
        required: true,
        placeholder: "Why the critical findings are acceptable",
      })
    : null;
  const yes = h("button", { class: "btn go", type: "submit", id: "approve" }, yesLabel);
  const reason = h("textarea", {
    name: "reason",
    id: "reject-reason",
    required: true,
    placeholder: "What must change",
  });
  const no = h("button", { class: "btn stop", type: "submit", id: "reject" }, noLabel);
  const rt = v.decision.returnTo;
  const returnTo = rt
    ? h(
        "select",
        { name: "returnTo", id: "reject-return" },
        rt.phases.map((p) =>
          h("option", { value: p.phase, selected: p.phase === rt.default }, `Phase ${p.phase} · ${p.name}`),
        ),
      )
    : null;
  const approveBody = () => ({
    step: v.round,
    ...(note.value.trim() ? { note: note.value.trim() } : {}),
    ...(waive ? { waive: waive.value.trim() } : {}),
  });
  // The confirmation: what the answer does and, from the newest view of this gate, what is still open.
  const askList = h("ul", { id: "approve-open" });
  const askText = h("p", null);
  const confirm = h("button", { class: "btn go", type: "button", id: "approve-confirm" }, `Yes, ${yesLabel}`);
  const cancel = h("button", { class: "btn", type: "button", id: "approve-cancel" }, "Cancel");
  const ask = h(
    "div",
    { class: "confirm", id: "approve-ask", role: "alertdialog", hidden: true },
    askText,
    askList,
    h("div", { class: "row" }, confirm, cancel),
  );
  cancel.addEventListener("click", () => {
    ask.hidden = true;
    yes.hidden = false;
    yes.focus();
  });
  confirm.addEventListener("click", () => {
    void decide(P, "approve", approveBody(), [confirm, cancel, yes, no], yesLabel).then(() => {
      ask.hidden = true;
      yes.hidden = false;
    });
  });
  const approveForm = h(
    "form",
    {
      id: "approve-form",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const cur = P.gate && P.gate.round === v.round ? P.gate : v;
        const open = openLines(cur);
        if (v.kind !== "go-no-go" && v.kind !== "certification" && !open.length) {
          void decide(P, "approve", approveBody(), [yes, no], yesLabel);
          return;
        }
        askText.textContent =
          (v.kind === "go-no-go"
            ? `GO: v${v.version} goes on to deployment to ${v.environment}.`
            : v.kind === "certification"
              ? `Certify v${v.version} on ${v.environment}: the release is complete.`
              : `${yesLabel} step ${v.round}: the release goes on.`) +
          (open.length ? " Still open:" : " Nothing is open at this gate.");
        clear(askList);
        for (const li of open) askList.appendChild(li);
        askList.hidden = !open.length;
        yes.hidden = true;
        ask.hidden = false;
        confirm.focus();
      },
    },
    h("label", null, "Note", note),
    waive ? h("label", null, `Waiver for ${v.open.criticalFindings} critical finding(s)`, waive) : null,
    h("div", { class: "row" }, yes),
    ask,
  );
  const rejectForm = h(
    "form",
    {
      id: "reject-form",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void decide(
          P,
          "reject",
          { step: v.round, reason: reason.value.trim(), ...(returnTo ? { returnTo: Number(returnTo.value) } : {}) },
          [yes, no],
          noLabel,
        );
      },
    },
    h("label", null, noLabel === "NO-GO" ? "Why NO-GO" : "Reason", reason),
    returnTo ? h("label", null, "Return to", returnTo) : null,
    h("div", { class: "row" }, no),
  );
  return h(
    "div",
    { class: "decide", id: "decide" },
    mine
      ? h(
          "p",
          { class: "notice", id: "decide-info" },
          `You approved this gate; it waits for another HUM LEAD (${v.approvals.approved.length} of ${v.approvals.required}).`,
        )
      : approveForm,
    h("details", { id: "reject-details" }, h("summary", null, `${noLabel}…`), rejectForm),
  );
}

async function decide(
  P: ReleasePage,
  path: string,
  body: { step: string; [k: string]: unknown },
  buttons: HTMLButtonElement[],
  label: string,
): Promise<void> {
  for (const b of buttons) b.disabled = true;
  try {
    // With a passkey, the decision carries the person's assertion over it (passkey.ts).
    const signed = await signWithPasskey(P.version, path, body);
    const s = await api<DecisionAnswer>("POST", `/api/releases/${enc(P.version)}/${path}`, signed);
    toast(`${label} recorded for step ${body.step}.`);
    update(P, s);
  } catch (e) {
    toast(failMessage(e), true);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}
