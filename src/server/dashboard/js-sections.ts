/**
 * Dashboard script, part 6: the feedback and question thread (built from the audit log's events),
 * its forms, deployment progress with health, and the audit log with its chain verification.
 */
export const SECTIONS_JS = String.raw`
function feedbackForm(P) {
  const text = h("textarea", { name: "text", id: "feedback-text", required: true, placeholder: "Feedback for this step" });
  const btn = h("button", { class: "btn", type: "submit", id: "feedback-send" }, "Add feedback");
  return h("form", { id: "feedback-form", hidden: true, onsubmit: async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    try {
      const s = await api("POST", "/api/releases/" + enc(P.version) + "/feedback", { step: P.status ? P.status.step : undefined, text: text.value });
      text.value = "";
      toast("Feedback recorded.");
      update(P, s);
    } catch (e) {
      toast(failMessage(e), true);
    } finally {
      btn.disabled = false;
    }
  } }, h("label", null, "Your feedback", text), h("div", { class: "row" }, btn));
}

function answerForm(P, id) {
  if (P.answerForms[id]) return P.answerForms[id];
  const text = h("textarea", { name: "text", required: true, placeholder: "Your answer" });
  const btn = h("button", { class: "btn", type: "submit" }, "Answer " + id);
  const form = h("form", { class: "answer-form", "data-question": id, onsubmit: async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    try {
      const s = await api("POST", "/api/releases/" + enc(P.version) + "/answer", { id, text: text.value });
      toast("Answer to " + id + " recorded.");
      update(P, s);
    } catch (e) {
      toast(failMessage(e), true);
    } finally {
      btn.disabled = false;
    }
  } }, text, h("div", { class: "row" }, btn));
  P.answerForms[id] = form;
  return form;
}

// The AI LEAD's reply to a HUM LEAD's feedback (POST …/respond), kept across redraws like the answer forms.
function respondForm(P, id) {
  if (P.respondForms[id]) return P.respondForms[id];
  const text = h("textarea", { name: "text", required: true, placeholder: "How the feedback is addressed" });
  const btn = h("button", { class: "btn", type: "submit" }, "Respond to " + id);
  const form = h("form", { class: "respond-form", "data-feedback": id, onsubmit: async (ev) => {
    ev.preventDefault();
    const r = await manage(P, "respond", { id, text: text.value }, [btn]);
    if (r) text.value = "";
  } }, text, h("div", { class: "row" }, btn));
  P.respondForms[id] = form;
  return form;
}

// The AI LEAD asks the HUM LEADs a clarifying question (POST …/ask); they answer in the thread.
function askForm(P) {
  const text = h("textarea", { name: "text", id: "ask-text", required: true, placeholder: "A question for the HUM LEADs" });
  const btn = h("button", { class: "btn", type: "submit", id: "ask-send" }, "Ask");
  return h("form", { id: "ask-form", hidden: true, onsubmit: async (ev) => {
    ev.preventDefault();
    const r = await manage(P, "ask", { step: P.status ? P.status.step : undefined, text: text.value }, [btn]);
    if (r) text.value = "";
  } }, h("label", null, "Ask a question", text), h("div", { class: "row" }, btn));
}

function renderThread(P) {
  const items = [];
  const byId = {};
  for (const e of P.events) {
    const d = e.data || {};
    if (e.type === "FeedbackGiven" || e.type === "QuestionAsked") {
      byId[d.id] = { kind: e.type === "QuestionAsked" ? "question" : "feedback", id: d.id, text: d.text, by: e.actor.id, at: e.at, step: d.step, replies: [] };
      items.push(byId[d.id]);
    } else if ((e.type === "FeedbackAddressed" || e.type === "QuestionAnswered") && byId[d.id]) {
      byId[d.id].replies.push({ text: e.type === "QuestionAnswered" ? d.text : d.response, by: e.actor.id, at: e.at });
    }
  }
  const el = clear(P.el.thread);
  if (!items.length) el.appendChild(h("li", { class: "muted" }, "No feedback or questions yet."));
  const open = P.status && !isFinished(P.status);
  for (const it of items) {
    const unanswered = it.kind === "question" && it.replies.length === 0;
    el.appendChild(h("li", { class: it.kind, "data-id": it.id },
      h("div", { class: "meta" }, badge(it.kind === "question" ? "question " + it.id : "feedback " + it.id, unanswered ? "warn" : "info"), " " + it.by + " · step " + it.step + " · " + when(it.at)),
      h("p", { class: "text" }, it.text),
      it.replies.map((r) => h("div", { class: "reply" }, h("div", { class: "meta" }, r.by + " · " + when(r.at)), h("p", { class: "text" }, r.text))),
      unanswered && open && S.me.can.answer ? answerForm(P, it.id) : null,
      it.kind === "feedback" && !it.replies.length && open && S.me.role === "ai-lead" && can("respond") ? respondForm(P, it.id) : null));
  }
}

function healthText(v) {
  if (Array.isArray(v)) {
    return v.map((c) => c && typeof c === "object"
      ? (c.check || c.name || "check") + ": " + (c.status || (c.ok === true ? "ok" : c.ok === false ? "failing" : "?")) + (c.failures ? " (" + c.failures + " failed probe(s))" : "")
      : String(c)).join(" · ") || "no health checks";
  }
  if (v && typeof v === "object") return v.summary || JSON.stringify(v);
  return String(v);
}

async function loadDeployment(P) {
  const d = await api("GET", "/api/releases/" + enc(P.version) + "/deployment");
  if (S.page !== P) return;
  const el = clear(P.el.deployment);
  if (!d.steps.length) {
    el.appendChild(h("p", { class: "muted" }, "Not started yet (state " + d.state + "). Deployment runs in phase 6, after the GO decision."));
    return;
  }
  el.appendChild(h("p", null, d.deployed ? "Deployed to " + d.environment + "." : "Deploying to " + d.environment + " (state " + d.state + ")."));
  el.appendChild(h("ul", { class: "steps" }, d.steps.map((st) => h("li", { "data-step": st.step },
    badge(st.status), h("span", { class: "mono" }, st.step), h("span", null, st.label),
    st.durationMs !== undefined ? h("span", { class: "muted" }, duration(st.durationMs)) : null,
    st.error ? h("span", { class: "health" }, st.error) : null,
    st.health !== undefined ? h("span", { class: "health" }, "Health: " + healthText(st.health)) : null))));
}

async function loadAudit(P) {
  const a = await api("GET", "/api/releases/" + enc(P.version) + "/audit?after=" + P.auditSeq);
  if (S.page !== P) return;
  const v = a.verification;
  if (!P.el.verify) {
    P.el.verify = h("p", { id: "audit-verify" });
    P.el.events = h("ol", { class: "events", id: "audit-events", reversed: true });
    add(clear(P.el.audit), [P.el.verify, h("details", null, h("summary", { id: "audit-count" }, "Events"), P.el.events)]);
  }
  P.el.verify.className = "verify " + (v.ok ? "ok" : "bad");
  P.el.verify.textContent = v.ok
    ? "✔ Chain intact: " + v.count + " events, last hash " + v.lastHash.slice(0, 12)
    : "✘ Chain broken at event " + v.bad.seq + ": " + v.bad.reason;
  for (const e of a.events) {
    P.events.push(e);
    P.auditSeq = Math.max(P.auditSeq, e.seq);
    P.el.events.insertBefore(h("li", null, h("span", { class: "seq mono" }, "#" + e.seq), h("span", null, e.type), h("span", { class: "muted" }, e.actor.id + " · " + when(e.at)), h("span", { class: "hash mono" }, String(e.hash).slice(0, 12))), P.el.events.firstChild);
  }
  document.getElementById("audit-count").textContent = P.events.length + " events (newest first)";
  if (a.events.length || !P.threadDrawn) { P.threadDrawn = true; renderThread(P); }
}
`;
