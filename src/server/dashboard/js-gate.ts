/**
 * Dashboard script, part 5: the gate — its report, findings and approvals, and the HUM LEAD's
 * decision (GO / NO-GO at the phase-5 gate, Certify at 7.10). The controls show only when
 * /api/me says this identity may decide; the server decides again on every request.
 */
export const GATE_JS = String.raw`
function gateLabels(kind) {
  if (kind === "go-no-go") return { yes: "GO", no: "NO-GO", title: "GO / NO-GO decision" };
  if (kind === "certification") return { yes: "Certify", no: "Reject", title: "Certification" };
  return { yes: "Approve", no: "Reject", title: "Approval" };
}

function renderGate(P, s) {
  const g = s.gate;
  const box = P.el.gate;
  if (!g) { box.hidden = true; clear(box); P.gateKey = null; return; }
  const critical = g.findings.filter((f) => f.severity === "critical");
  const key = [g.round || g.step, g.kind, critical.length, g.approvals.map((a) => a.by).join(","), S.me.id].join("|");
  const labels = gateLabels(g.kind);
  box.hidden = false;
  // Keep the decision form while the gate is the same, so an update does not wipe what is being typed.
  const keep = P.gateKey === key && P.el.decide;
  P.gateKey = key;
  if (!keep) P.el.decide = decisionControls(P, s, labels, critical);
  clear(box);
  box.appendChild(h("div", { class: "head" }, h("h2", null, labels.title + " · step " + (g.round || g.step) + (g.roundHash ? " · report " + g.roundHash.slice(0, 12) : "")), badge(g.kind, "info")));
  box.appendChild(h("p", { id: "gate-title" }, g.title));
  box.appendChild(h("p", { class: "muted", id: "approvals" }, "Approvals " + g.approvals.length + " of " + g.requiredApprovals +
    (g.approvals.length ? ": " + g.approvals.map((a) => a.by).join(", ") : "")));
  if (g.findings.length) {
    box.appendChild(h("ul", { class: "findings", id: "findings" }, g.findings.map((f) =>
      h("li", null, badge(f.severity), " ", h("code", null, f.code), " ", f.message))));
  }
  box.appendChild(h("div", { class: "report", id: "report" }, markdown(g.report)));
  box.appendChild(P.el.decide);
}

function decisionControls(P, s, labels, critical) {
  const g = s.gate;
  if (!S.me.can.approve) {
    return h("p", { class: "notice decide", id: "decide-info" }, "Only a HUM LEAD can " + labels.yes.toLowerCase() + " or " + labels.no.toLowerCase() +
      " here. You are signed in as " + S.me.id + " (" + roleLabel(S.me.role) + "); you can give feedback below.");
  }
  const mine = g.approvals.some((a) => a.by.toLowerCase() === S.me.id.toLowerCase());
  const note = h("input", { name: "note", id: "decide-note", placeholder: "Optional note for the record" });
  const waive = critical.length ? h("textarea", { name: "waive", id: "decide-waive", required: true, placeholder: "Why the critical findings are acceptable" }) : null;
  const yes = h("button", { class: "btn go", type: "submit", id: "approve" }, labels.yes);
  const reason = h("textarea", { name: "reason", id: "reject-reason", required: true, placeholder: "What must change" });
  const no = h("button", { class: "btn stop", type: "submit", id: "reject" }, labels.no);
  let returnTo = null;
  if (g.kind === "go-no-go") {
    const phases = s.plan.filter((p) => p < s.phase); // the gate's phase is the release's phase
    const dflt = phases.filter((p) => p > 1).pop() || phases[phases.length - 1];
    returnTo = h("select", { name: "returnTo", id: "reject-return" }, phases.map((p) =>
      h("option", { value: p, selected: p === dflt }, "Phase " + p + " · " + PHASES[p])));
  }
  const approveForm = h("form", { id: "approve-form", onsubmit: (ev) => {
    ev.preventDefault();
    decide(P, "approve", { step: g.round || g.step, note: note.value.trim() || undefined, waive: waive ? waive.value.trim() : undefined }, [yes, no], labels.yes);
  } }, h("label", null, "Note", note), waive ? h("label", null, "Waiver for " + critical.length + " critical finding(s)", waive) : null, h("div", { class: "row" }, yes));
  const rejectForm = h("form", { id: "reject-form", onsubmit: (ev) => {
    ev.preventDefault();
    decide(P, "reject", { step: g.round || g.step, reason: reason.value.trim(), returnTo: returnTo ? Number(returnTo.value) : undefined }, [yes, no], labels.no);
  } }, h("label", null, labels.no === "NO-GO" ? "Why NO-GO" : "Reason", reason), returnTo ? h("label", null, "Return to", returnTo) : null, h("div", { class: "row" }, no));
  return h("div", { class: "decide", id: "decide" },
    h("h3", null, "Your decision"),
    mine ? h("p", { class: "notice", id: "decide-info" }, "You approved this gate; it waits for another HUM LEAD (" + g.approvals.length + " of " + g.requiredApprovals + ").") : approveForm,
    h("details", { id: "reject-details" }, h("summary", null, labels.no + "…"), rejectForm));
}

async function decide(P, path, body, buttons, label) {
  buttons.forEach((b) => { b.disabled = true; });
  try {
    // With a passkey, the decision carries the person's assertion over it (js-passkey).
    const signed = await signWithPasskey(P.version, path, body);
    const s = await api("POST", "/api/releases/" + enc(P.version) + "/" + path, signed);
    toast(label + " recorded for step " + body.step + ".");
    update(P, s);
  } catch (e) {
    toast(failMessage(e), true);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}
`;
