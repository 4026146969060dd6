/**
 * Dashboard script, part 4: the release page — its frame, the live status stream (EventSource on
 * the SSE endpoint; the session cookie goes with it), the phase timeline, each step of the pass with
 * its verdict (mark and word from core's table, VERDICTS: ✔ only for pass) and the current step.
 */
import { VERDICT_LABELS, VERDICT_MARKS } from "../../core/verdict.js";

/** Core's verdict table, served to the page as it is (never a second copy written here). */
const VERDICTS_JS = `const VERDICTS = ${JSON.stringify({ marks: VERDICT_MARKS, labels: VERDICT_LABELS })};\n`;

export const RELEASE_JS =
  VERDICTS_JS +
  String.raw`
async function showRelease(version) {
  const first = await api("GET", "/api/releases/" + enc(version));
  const P = { version: first.version, status: null, ctl: null, events: [], auditSeq: 0, chain: Promise.resolve(), answerForms: {}, respondForms: {}, gateKey: null, incidentKey: null, controlsKey: null, signoffKey: null, retry: null };
  P.el = {
    title: h("h1", { id: "title" }, "v" + first.version),
    live: h("span", { class: "live off", id: "live" }, "connecting"),
    timeline: h("ol", { class: "timeline", id: "timeline" }),
    steps: h("ol", { class: "steps", id: "steps" }),
    now: h("div", { id: "now" }),
    gate: h("section", { class: "card", id: "gate", hidden: true }),
    incident: h("section", { class: "card incident", id: "incident", hidden: true }),
    controls: h("section", { class: "card", id: "controls", hidden: true }),
    signoffs: h("section", { class: "card", id: "signoffs", hidden: true }),
    ask: askForm(P),
    thread: h("ul", { class: "thread", id: "thread" }),
    feedback: feedbackForm(P),
    deployment: h("div", { id: "deployment" }, h("p", { class: "muted" }, "Loading…")),
    audit: h("div", { id: "audit" }, h("p", { class: "muted" }, "Loading…")),
  };
  render(h("div", { id: "release" },
    h("section", { class: "card" }, h("div", { class: "head" }, P.el.title, P.el.live), P.el.timeline, P.el.steps, P.el.now),
    h("div", { class: "grid" },
      h("div", null, P.el.incident, P.el.gate, P.el.signoffs,
        h("section", { class: "card", id: "conversation" }, h("h2", null, "Feedback and questions"), P.el.thread, P.el.feedback, P.el.ask)),
      h("div", null, P.el.controls,
        h("section", { class: "card", id: "deploy" }, h("h2", null, "Deployment"), P.el.deployment),
        h("section", { class: "card", id: "audit-card" }, h("h2", null, "Audit log"), P.el.audit)))));
  S.page = P;
  update(P, first);
  openStream(P);
}

function openStream(P) {
  if (S.page !== P) return;
  const es = new EventSource("/api/releases/" + enc(P.version) + "/events");
  S.es = es;
  es.addEventListener("status", (ev) => {
    P.el.live.className = "live on";
    P.el.live.textContent = "live";
    update(P, JSON.parse(ev.data));
  });
  es.addEventListener("error", () => {
    if (S.page !== P) return;
    P.el.live.className = "live off";
    P.el.live.textContent = "reconnecting";
    // EventSource retries by itself unless the server refused (401, 404): then ask why, and retry later.
    if (es.readyState === EventSource.CLOSED) {
      api("GET", "/api/releases/" + enc(P.version)).then((s) => {
        update(P, s);
        P.retry = setTimeout(() => { if (S.page === P) openStream(P); }, 3000);
      }, (e) => { if (e.status !== 401 && S.page === P) toast(failMessage(e), true); });
    }
  });
}

function update(P, s) {
  if (S.page !== P || !s || (P.status && s.lastSeq < P.status.lastSeq)) return;
  P.status = s;
  document.title = "v" + s.version + " · " + s.state + " · brtops";
  renderTimeline(P, s);
  renderSteps(P, s);
  renderNow(P, s);
  renderGate(P, s);
  renderManage(P); // at once from the new status; again when GET …/controls answers
  P.el.feedback.hidden = !S.me.can.feedback || isFinished(s);
  P.el.ask.hidden = !(S.me.role === "ai-lead" && can("ask")) || isFinished(s);
  // One at a time, so the audit log is fetched incrementally and in order.
  P.chain = P.chain.then(() => Promise.all([loadAudit(P), loadDeployment(P), loadControls(P)])).catch((e) => { if (e.status !== 401) toast(failMessage(e), true); });
}

function phaseStatus(s, p) {
  if (s.plan.indexOf(p) < 0) return "skipped";
  if (s.state === "certified" || p < s.phase) return "done";
  return p === s.phase ? "current" : "pending";
}

function renderTimeline(P, s) {
  clear(P.el.timeline);
  for (let p = 1; p <= 7; p++) {
    const st = phaseStatus(s, p);
    P.el.timeline.appendChild(h("li", { class: st, "data-phase": p, "data-status": st, title: PHASES[p] },
      h("span", { class: "n" }, p), PHASES[p], h("span", { class: "st" }, st)));
  }
}

// A step's verdict as every face shows it; a step still running has none yet.
function verdictMark(v) {
  if (!v || !VERDICTS.marks[v]) return h("span", { class: "verdict running", title: "running" }, h("span", { class: "mark" }, "…"), h("span", { class: "word" }, "RUNNING"));
  return h("span", { class: "verdict " + v, title: v }, h("span", { class: "mark" }, VERDICTS.marks[v]), h("span", { class: "word" }, VERDICTS.labels[v]));
}

function renderSteps(P, s) {
  const el = clear(P.el.steps);
  for (const st of s.steps || []) {
    el.appendChild(h("li", { "data-step": st.step, "data-verdict": st.verdict || "running" },
      verdictMark(st.verdict), h("span", { class: "mono sid" }, st.step), h("span", { class: "stitle" }, st.title),
      st.summary ? h("span", { class: "ssum muted" }, st.summary) : null));
  }
  el.hidden = el.childNodes.length === 0;
}

function renderNow(P, s) {
  const el = clear(P.el.now);
  const facts = [
    ["Step", h("span", null, h("strong", { id: "step", class: "mono" }, s.step), " ", h("span", { id: "step-title" }, s.stepTitle))],
    ["State", h("span", { id: "state" }, badge(s.state))],
    ["Phase", s.phase + " · " + s.phaseName],
    ["Environment", s.environment + (s.sev ? " · " + s.sev : "")],
    ["Requested by", s.requestedBy],
    ["Previous", s.previous ? "v" + s.previous : "none"],
    ["Last change", h("span", { id: "last-change" }, when(s.lastAt) + " (event " + s.lastSeq + ")")],
  ];
  el.appendChild(h("dl", { class: "facts" }, facts.map((f) => [h("dt", null, f[0]), h("dd", null, f[1])])));
  if (s.incident && !isFinished(s)) {
    el.appendChild(h("p", { class: "notice bad", id: "incident-now" }, "Incident at step " + s.incident.step + ": " + s.incident.error.message));
  } else if (!s.gate && !isFinished(s) && s.state !== "paused") {
    el.appendChild(h("p", { class: "notice" }, "The AI LEAD or a runner advances this release (brtops run); this page follows it live."));
  }
}
`;
