/**
 * The release page: its frame, the live status stream (EventSource on the SSE endpoint; the session
 * cookie goes with it), the phase timeline, each step of the pass with its verdict (mark and word
 * from core's table: ✔ only for pass) and the current step. The parts it holds redraw from each status.
 */
import { phaseDef } from "../core/workflow.js";
import { VERDICT_LABELS, VERDICT_MARKS, isVerdict } from "../core/verdict.js";
import type { StatusView } from "./api-types.js";
import { api, can, failMessage, me, render, S, statusOf, toast } from "./app-state.js";
import { loadAudit } from "./audit.js";
import { askForm, feedbackForm } from "./conversation.js";
import { loadDeployment } from "./deployment.js";
import { badge, clear, enc, h, refreshSince, when } from "./dom.js";
import { loadGate, renderGate } from "./gate.js";
import { drawLiveFeed, liveFeed, openLiveFeed } from "./live-feed.js";
import { loadControls, renderManage } from "./manage.js";
import { isFinished, type ReleasePage } from "./release-page-state.js";

export async function showRelease(version: string): Promise<void> {
  const [first, runner] = await Promise.all([
    api<StatusView>("GET", `/api/releases/${enc(version)}`),
    api<{ enabled: boolean }>("GET", "/api/runner").catch(() => ({ enabled: false })),
  ]);
  const P: ReleasePage = {
    // Paths name the run ("1.1.0@production"), not the version several runs share.
    version: first.release,
    serverRuns: runner.enabled,
    status: null,
    ctl: null,
    gate: null,
    deployment: null,
    events: [],
    auditSeq: 0,
    chain: Promise.resolve(),
    answerForms: new Map(),
    respondForms: new Map(),
    keys: { gate: null, decide: null, incident: null, controls: null, signoff: null, deployment: null },
    threadDrawn: false,
    es: null,
    live: liveFeed(),
    retry: null,
    ticker: null,
    stop() {
      P.es?.close();
      P.es = null;
      P.live.es?.close();
      P.live.es = null;
      if (P.retry) clearTimeout(P.retry);
      if (P.ticker) clearInterval(P.ticker);
    },
    el: {
      title: h("h1", { id: "title" }, `v${first.version}`),
      live: h("span", { class: "live off", id: "live" }, "connecting"),
      timeline: h("ol", { class: "timeline", id: "timeline" }),
      steps: h("ol", { class: "steps", id: "steps" }),
      now: h("div", { id: "now" }),
      gate: h("section", { class: "card", id: "gate", hidden: true }),
      decision: h("section", { class: "card decision-card", id: "decision", hidden: true }),
      incident: h("section", { class: "card incident", id: "incident", hidden: true }),
      controls: h("section", { class: "card", id: "controls", hidden: true }),
      signoffs: h("section", { class: "card", id: "signoffs", hidden: true }),
      ask: h("form"),
      thread: h("ul", { class: "thread", id: "thread" }),
      feedback: h("form"),
      deployment: h("div", { id: "deployment" }, h("p", { class: "muted" }, "Loading…")),
      audit: h("div", { id: "audit" }, h("p", { class: "muted" }, "Loading…")),
      verify: null,
      events: null,
      decide: null,
    },
  };
  P.el.ask = askForm(P);
  P.el.feedback = feedbackForm(P);
  // On a phone the cards form one column in the order the CSS gives them: the decision first.
  render(
    h(
      "div",
      { id: "release" },
      h(
        "section",
        { class: "card", id: "overview" },
        h("div", { class: "head" }, P.el.title, P.el.live),
        P.el.timeline,
        P.el.now,
      ),
      h(
        "div",
        { class: "grid" },
        h(
          "div",
          { class: "col-main" },
          P.el.incident,
          P.el.gate,
          h("section", { class: "card", id: "deploy" }, h("h2", null, "Deployment"), P.live.box, P.el.deployment),
          P.el.signoffs,
          h(
            "section",
            { class: "card", id: "conversation" },
            h("h2", null, "Feedback and questions"),
            P.el.thread,
            P.el.feedback,
            P.el.ask,
          ),
          // The whole pass, step by step, below what waits for a decision.
          h("section", { class: "card", id: "steps-card" }, h("h2", null, "Steps of this pass"), P.el.steps),
        ),
        h(
          "div",
          { class: "col-side" },
          P.el.decision,
          P.el.controls,
          h("section", { class: "card", id: "audit-card" }, h("h2", null, "Audit log"), P.el.audit),
        ),
      ),
    ),
  );
  S.page = P;
  // Elapsed times and "waiting since" move on between status updates.
  P.ticker = setInterval(() => {
    if (S.page !== P) return;
    refreshSince(document);
  }, 1000);
  update(P, first);
  openStream(P);
  openLiveFeed(P, P.live);
}

function openStream(P: ReleasePage): void {
  if (S.page !== P) return;
  const es = new EventSource(`/api/releases/${enc(P.version)}/events`);
  P.es = es;
  es.addEventListener("status", (ev) => {
    P.el.live.className = "live on";
    P.el.live.textContent = "live";
    update(P, JSON.parse((ev as MessageEvent<string>).data) as StatusView);
  });
  es.addEventListener("error", () => {
    if (S.page !== P) return;
    P.el.live.className = "live off";
    P.el.live.textContent = "reconnecting";
    // EventSource retries by itself unless the server refused (401, 404): then ask why, and retry later.
    if (es.readyState === EventSource.CLOSED) {
      api<StatusView>("GET", `/api/releases/${enc(P.version)}`).then(
        (s) => {
          update(P, s);
          P.retry = setTimeout(() => openStream(P), 3000);
        },
        (e: unknown) => {
          if (statusOf(e) !== 401 && S.page === P) toast(failMessage(e), true);
        },
      );
    }
  });
}

/** Draws a newer status (an older one, from a slow request, is ignored) and fetches what goes with it. */
export function update(P: ReleasePage, s: StatusView | null | undefined): void {
  if (S.page !== P || !s || (P.status && s.lastSeq < P.status.lastSeq)) return;
  P.status = s;
  document.title = `v${s.version} · ${s.state} · brtops`;
  renderTimeline(P, s);
  renderSteps(P, s);
  renderNow(P, s);
  drawLiveFeed(P, P.live); // hidden once the release ended
  renderGate(P); // at once from the status (shown or hidden); the sections when GET …/gate answers
  renderManage(P); // at once from the new status; again when GET …/controls answers
  P.el.feedback.hidden = !can("feedback") || isFinished(s);
  P.el.ask.hidden = !(me().role === "ai-lead" && can("ask")) || isFinished(s);
  // One at a time, so the audit log is fetched incrementally and in order.
  P.chain = P.chain
    .then(() => Promise.all([loadAudit(P), loadDeployment(P), loadControls(P), loadGate(P)]))
    .then(
      () => undefined,
      (e: unknown) => {
        if (statusOf(e) !== 401) toast(failMessage(e), true);
      },
    );
}

function phaseStatus(s: StatusView, p: number): string {
  if (!s.plan.includes(p)) return "skipped";
  if (s.state === "certified" || p < s.phase) return "done";
  return p === s.phase ? "current" : "pending";
}

function renderTimeline(P: ReleasePage, s: StatusView): void {
  clear(P.el.timeline);
  for (let p = 1; p <= 7; p++) {
    const st = phaseStatus(s, p);
    const name = phaseDef(p).name;
    P.el.timeline.appendChild(
      h(
        "li",
        { class: st, "data-phase": p, "data-status": st, title: name },
        h("span", { class: "n" }, p),
        name,
        h("span", { class: "st" }, st),
      ),
    );
  }
}

/** A step's verdict as every face shows it; a step still running has none yet. */
export function verdictMark(v: string | null | undefined): HTMLElement {
  if (!isVerdict(v))
    return h(
      "span",
      { class: "verdict running", title: "running" },
      h("span", { class: "mark" }, "…"),
      h("span", { class: "word" }, "RUNNING"),
    );
  return h(
    "span",
    { class: `verdict ${v}`, title: v },
    h("span", { class: "mark" }, VERDICT_MARKS[v]),
    h("span", { class: "word" }, VERDICT_LABELS[v]),
  );
}

function renderSteps(P: ReleasePage, s: StatusView): void {
  const el = clear(P.el.steps);
  for (const st of s.steps ?? []) {
    el.appendChild(
      h(
        "li",
        { "data-step": st.step, "data-verdict": st.verdict ?? "running" },
        verdictMark(st.verdict),
        h("span", { class: "mono sid" }, st.step),
        h("span", { class: "stitle" }, st.title),
        st.summary ? h("span", { class: "ssum muted" }, st.summary) : null,
      ),
    );
  }
  el.hidden = el.childNodes.length === 0;
}

function renderNow(P: ReleasePage, s: StatusView): void {
  const el = clear(P.el.now);
  const facts: [string, Node | string][] = [
    [
      "Step",
      h(
        "span",
        null,
        h("strong", { id: "step", class: "mono" }, s.step),
        " ",
        h("span", { id: "step-title" }, s.stepTitle),
      ),
    ],
    ["State", h("span", { id: "state" }, badge(s.state))],
    ["Phase", `${s.phase} · ${s.phaseName}`],
    ["Environment", s.environment + (s.sev ? ` · ${s.sev}` : "")],
    ["Requested by", s.requestedBy],
    ["Previous", s.previous ? `v${s.previous}` : "none"],
    ["Last change", h("span", { id: "last-change" }, `${when(s.lastAt)} (event ${s.lastSeq})`)],
  ];
  el.appendChild(
    h(
      "dl",
      { class: "facts" },
      facts.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
    ),
  );
  if (s.incident && !isFinished(s)) {
    el.appendChild(
      h(
        "p",
        { class: "notice bad", id: "incident-now" },
        `Incident at step ${s.incident.step}: ${s.incident.error.message}`,
      ),
    );
  } else if (!s.gate && !isFinished(s) && s.state !== "paused") {
    el.appendChild(
      h(
        "p",
        { class: "notice" },
        P.serverRuns
          ? "The server's runner advances this release; this page follows it live."
          : "The AI LEAD or a runner advances this release (brtops run); this page follows it live.",
      ),
    );
  }
}
