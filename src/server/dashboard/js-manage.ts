/**
 * Dashboard script, part 7: managing the release — pause / resume / abort / roll back, GO RELEASE,
 * incident guidance (retry, roll back, continue) and sign-offs. Built from the status and from
 * GET …/controls; a control shows only when /api/me's `can` allows it, and the server judges every
 * request again. The server records decisions and runs nothing: a `brtops run` carries them out.
 */
export const MANAGE_JS = String.raw`
function can(action) { return !!(S.me && S.me.can && S.me.can[action]); }

async function loadControls(P) {
  const c = await api("GET", "/api/releases/" + enc(P.version) + "/controls");
  if (S.page !== P) return;
  P.ctl = c;
  renderManage(P);
}

function renderManage(P) {
  if (!P.status || !P.ctl) return;
  renderIncident(P, P.status, P.ctl);
  renderControls(P, P.status, P.ctl);
  renderSignoffs(P, P.status, P.ctl);
}

// Posts a decision; the answer is the new status with what was recorded (said) and what carries it out (then).
async function manage(P, path, body, buttons) {
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const r = await api("POST", "/api/releases/" + enc(P.version) + "/" + path, body);
    toast(String(r.said || "Recorded.").replace(/\x60/g, ""));
    update(P, r);
    return r;
  } catch (e) {
    toast(failMessage(e), true);
    return null;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// A button that asks again in the page (no window.confirm: it works the same on a phone and in tests).
function confirmButton(o) {
  const btn = h("button", { class: "btn " + (o.cls || ""), type: "button", id: o.id }, o.label);
  const yes = h("button", { class: "btn " + (o.cls || ""), type: "button", id: o.id + "-confirm" }, o.yes);
  const no = h("button", { class: "btn", type: "button", id: o.id + "-cancel" }, "Cancel");
  const box = h("div", { class: "confirm", id: o.id + "-ask", role: "alertdialog" }, h("p", null, o.question), h("div", { class: "row" }, yes, no));
  box.hidden = true;
  btn.addEventListener("click", () => { btn.hidden = true; box.hidden = false; yes.focus(); });
  no.addEventListener("click", () => { box.hidden = true; btn.hidden = false; btn.focus(); });
  yes.addEventListener("click", async () => {
    await o.run([yes, no]);
    box.hidden = true;
    btn.hidden = false;
  });
  return { btn, box };
}

function runnerLine(c) {
  return h("p", { class: "muted small runner" }, "This page records decisions; it does not run the release. An active brtops run carries them out at its next checkpoint; otherwise run: ",
    h("code", null, c.run));
}

function renderIncident(P, s, c) {
  const box = P.el.incident;
  const inc = s.incident;
  // A finished release keeps its last incident in the record; there is nothing left to guide.
  if (!inc || isFinished(s)) { box.hidden = true; clear(box); P.incidentKey = null; return; }
  const key = [inc.step, inc.error.code, inc.error.message, c.deployed, S.me.id].join("|");
  box.hidden = false;
  if (P.incidentKey === key) return; // keep an open confirmation and a typed note across live updates
  P.incidentKey = key;
  clear(box);
  box.appendChild(h("div", { class: "head" }, h("h2", null, "Incident at step " + inc.step), badge("failed")));
  box.appendChild(h("p", { id: "incident-error" }, h("code", null, inc.error.code), " ", inc.error.message));
  if (inc.interrupted) box.appendChild(h("p", { class: "muted" }, "The step was interrupted (the runner stopped mid-step) and cannot be re-run safely on its own."));
  if (!can("incident-guidance")) {
    box.appendChild(h("p", { class: "notice", id: "incident-info" }, "Only a HUM LEAD decides how to handle an incident. You are " + S.me.id + " (" + roleLabel(S.me.role) + "). From the terminal:"));
    box.appendChild(h("pre", null, s.next.join("\n")));
    return;
  }
  const note = h("input", { name: "note", id: "guide-note", placeholder: "Optional note for the record" });
  const guide = (choice) => (buttons) => manage(P, "guide", { choice, step: inc.step, note: note.value.trim() || undefined }, buttons);
  const retry = h("button", { class: "btn primary", type: "button", id: "guide-retry" }, "Retry");
  retry.addEventListener("click", () => guide("retry")([retry]));
  const back = c.deployed ? confirmButton({ id: "guide-rollback", cls: "stop", label: "Roll back", yes: "Yes, roll back",
    question: "Roll the deployment back to " + (s.previous ? "v" + s.previous : "the previous version") + "? The runner undoes what was deployed and the release ends rolled back.",
    run: guide("rollback") }) : null;
  const cont = confirmButton({ id: "guide-continue", cls: "", label: "Continue", yes: "Yes, continue",
    question: "Continue past the failed step " + inc.step + "? The release goes on as if it had succeeded; the failure stays in the record.",
    run: guide("continue") });
  box.appendChild(h("div", { class: "decide", id: "guide" },
    h("h3", null, "How should the runner handle it?"),
    h("label", null, "Note", note),
    h("div", { class: "row" }, retry, back ? back.btn : null, cont.btn),
    back ? back.box : null, cont.box,
    runnerLine(c)));
}

function renderControls(P, s, c) {
  const box = P.el.controls;
  const key = JSON.stringify([c.state, c.paused, c.onHold, c.deployed, c.abortRequested, c.rollbackRequested, c.autoProceed, c.finished, s.sev, S.me.id]);
  if (P.controlsKey === key) return;
  P.controlsKey = key;
  clear(box);
  const open = !c.finished;
  const stopping = c.abortRequested || c.rollbackRequested;
  const buttons = [];
  const asks = [];
  if (open && !c.paused && !stopping && can("pause")) {
    const b = h("button", { class: "btn", type: "button", id: "pause" }, "Pause");
    b.addEventListener("click", () => manage(P, "pause", {}, [b]));
    buttons.push(b);
  }
  if (open && (c.paused || c.onHold) && can("resume")) {
    const b = h("button", { class: "btn go", type: "button", id: "resume" }, "Resume");
    b.addEventListener("click", () => manage(P, "resume", {}, [b]));
    buttons.push(b);
  }
  if (open && !c.abortRequested && can("abort")) {
    const a = confirmButton({ id: "abort", cls: "stop", label: "Abort", yes: "Yes, abort the release",
      question: "Abort release v" + s.version + "?" + (c.deployed ? " What was deployed is rolled back in reverse order." : "") + " This cannot be undone.",
      run: (bs) => manage(P, "abort", {}, bs) });
    buttons.push(a.btn);
    asks.push(a.box);
  }
  if (c.deployed && !c.rollbackRequested && s.state !== "aborted" && s.state !== "rolled-back" && can("rollback")) {
    const r = confirmButton({ id: "rollback", cls: "stop", label: "Rollback", yes: "Yes, roll back",
      question: "Take the deployment back to " + (s.previous ? "v" + s.previous : "the previous version") + "?",
      run: (bs) => manage(P, "rollback", {}, bs) });
    buttons.push(r.btn);
    asks.push(r.box);
  }
  const lines = [];
  if (c.paused) lines.push(h("p", { class: "notice", id: "paused-info" }, "Paused: the release holds at the next safe checkpoint until a HUM LEAD resumes it."));
  if (c.onHold) lines.push(h("p", { class: "notice", id: "hold-info" }, "On hold: a deployment hold was escalated to the HUM LEADs; resume once reviewed."));
  if (stopping) lines.push(h("p", { class: "notice bad", id: "stopping-info" }, (c.rollbackRequested ? "Rollback" : "Abort") + " recorded: the runner carries it out (brtops run)."));
  let go = null;
  if (c.autoProceed) {
    go = h("p", { class: "muted", id: "go-info" }, "GO RELEASE granted by " + c.autoProceed.by + " · " + when(c.autoProceed.at) + ".");
  } else if (open && can("grant-auto-proceed")) {
    const b = h("button", { class: "btn go", type: "button", id: "go-release" }, "GO RELEASE");
    b.addEventListener("click", () => manage(P, "go", {}, [b]));
    go = h("div", { class: "go-release" }, h("div", { class: "row" }, b),
      h("p", { class: "muted small", id: "go-explain" }, "Gates without findings are approved on this grant for SEV-2 and lower (this release is " + (s.sev || "SEV-?") + "); GO / NO-GO and certification still wait for a HUM LEAD."));
  }
  const any = buttons.length || lines.length || go;
  box.hidden = !any;
  if (!any) return;
  add(box, [h("h2", null, "Release controls"), lines, buttons.length ? h("div", { class: "row", id: "control-buttons" }, buttons) : null, asks, go, open && buttons.length ? runnerLine(c) : null]);
}

function signoffBlock(P, s, scope, a) {
  const label = scope === "uat" ? "UAT sign-offs" : "Stakeholder sign-offs";
  const me = S.me.id.toLowerCase();
  const mine = a.required.some((r) => r.toLowerCase() === me) && !a.signed.some((x) => x.by.toLowerCase() === me);
  const items = [
    h("p", null, h("strong", null, label + ": "), a.signed.length + " of " + a.needed + (a.complete ? " — complete" : "")),
    h("ul", { class: "signoff-list" },
      a.signed.map((x) => h("li", null, badge("signed", "ok"), " " + x.by + " · " + when(x.at))),
      a.rejected.map((x) => h("li", null, badge("refused", "bad"), " " + x.by + " · " + when(x.at))),
      a.missing.map((m) => h("li", null, badge("waiting", "warn"), " " + m))),
  ];
  if (mine && can("signoff")) {
    const note = h("input", { name: "note", placeholder: "Optional note", id: "signoff-" + scope + "-note" });
    const yes = h("button", { class: "btn go", type: "button", id: "signoff-" + scope }, "Sign off");
    const no = h("button", { class: "btn stop", type: "button", id: "signoff-" + scope + "-refuse" }, "Refuse");
    const send = (reject) => manage(P, "signoff", { for: scope, reject: reject || undefined, note: note.value.trim() || undefined }, [yes, no]);
    yes.addEventListener("click", () => send(false));
    no.addEventListener("click", () => send(true));
    items.push(h("label", null, "Note", note), h("div", { class: "row" }, yes, no));
  }
  return h("div", { class: "signoff", "data-scope": scope }, items);
}

function renderSignoffs(P, s, c) {
  const box = P.el.signoffs;
  const scopes = [];
  // Phase 5 collects the stakeholders' sign-offs and checks UAT's; phase 3 collects UAT's.
  if (!c.finished && c.signoffs.uat && (c.phase === 3 || c.phase === 5)) scopes.push(["uat", c.signoffs.uat]);
  if (!c.finished && c.signoffs.stakeholders && c.phase === 5) scopes.push(["stakeholders", c.signoffs.stakeholders]);
  const key = JSON.stringify([scopes, S.me.id]);
  if (P.signoffKey === key) return;
  P.signoffKey = key;
  clear(box);
  box.hidden = !scopes.length;
  if (!scopes.length) return;
  add(box, [h("h2", null, "Sign-offs"), scopes.map((x) => signoffBlock(P, s, x[0], x[1]))]);
}
`;
