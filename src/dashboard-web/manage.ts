/**
 * Managing the release — pause / resume / abort / roll back, GO RELEASE, incident guidance (retry,
 * roll back, continue) and sign-offs. Built from the status and from GET …/controls; a control
 * shows only when the server says this identity may use it and it would have an effect (GO RELEASE
 * never on SEV-0/1), and the server judges every request again.
 */
import type { Controls, DecisionAnswer, SignoffView, StatusView } from "./api-types.js";
import { api, can as canAtAll, failMessage, me, roleLabel, S, toast } from "./app-state.js";
import { add, badge, clear, enc, h, when } from "./dom.js";
import { renderGate } from "./gate.js";
import { update } from "./release-page.js";
import { isFinished, type ReleasePage } from "./release-page-state.js";

/** /api/me's names (the authority matrix) of the release actions whose names differ. */
const AUTHORITY_OF: Record<string, string> = { go: "grant-auto-proceed", guide: "incident-guidance" };

/**
 * May the signed-in person take `action` (the action table's name) here now: the release's own
 * list when the server gives one (who may, and whether it has an effect), else /api/me's `can`.
 */
export function may(P: ReleasePage, action: string): boolean {
  const listed = P.ctl?.actions;
  return listed ? listed.some((a) => a.name === action) : canAtAll(AUTHORITY_OF[action] ?? action);
}

/** The choices the server offers for an action's option (e.g. guide's choices for this person now), when it lists them. */
function choices(P: ReleasePage, action: string, option: string): (string | number)[] | null {
  const a = P.ctl?.actions?.find((x) => x.name === action);
  return a?.options.find((o) => o.name === option)?.choices ?? null;
}

export async function loadControls(P: ReleasePage): Promise<void> {
  const c = await api<Controls>("GET", `/api/releases/${enc(P.version)}/controls`);
  if (S.page !== P) return;
  P.ctl = c;
  renderManage(P);
  renderGate(P); // what this person may decide comes with the controls
}

export function renderManage(P: ReleasePage): void {
  if (!P.status || !P.ctl) return;
  renderIncident(P, P.status, P.ctl);
  renderControls(P, P.status, P.ctl);
  renderSignoffs(P, P.ctl);
}

/** Posts a decision; the answer is the new status with what was recorded (said) and what carries it out. */
export async function manage(
  P: ReleasePage,
  path: string,
  body: object,
  buttons: HTMLButtonElement[],
): Promise<DecisionAnswer | null> {
  for (const b of buttons) b.disabled = true;
  try {
    const r = await api<DecisionAnswer>("POST", `/api/releases/${enc(P.version)}/${path}`, body);
    toast(String(r.said ?? "Recorded.").replace(/`/g, ""));
    update(P, r);
    return r;
  } catch (e) {
    toast(failMessage(e), true);
    return null;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

interface ConfirmOptions {
  id: string;
  cls?: string;
  label: string;
  yes: string;
  question: string;
  run: (buttons: HTMLButtonElement[]) => Promise<unknown>;
}

/** A button that asks again in the page (no window.confirm: it works the same on a phone and in tests). */
export function confirmButton(o: ConfirmOptions): { btn: HTMLButtonElement; box: HTMLElement } {
  const btn = h("button", { class: `btn ${o.cls ?? ""}`, type: "button", id: o.id }, o.label);
  const yes = h("button", { class: `btn ${o.cls ?? ""}`, type: "button", id: `${o.id}-confirm` }, o.yes);
  const no = h("button", { class: "btn", type: "button", id: `${o.id}-cancel` }, "Cancel");
  const box = h(
    "div",
    { class: "confirm", id: `${o.id}-ask`, role: "alertdialog", hidden: true },
    h("p", null, o.question),
    h("div", { class: "row" }, yes, no),
  );
  btn.addEventListener("click", () => {
    btn.hidden = true;
    box.hidden = false;
    yes.focus();
  });
  no.addEventListener("click", () => {
    box.hidden = true;
    btn.hidden = false;
    btn.focus();
  });
  yes.addEventListener("click", () => {
    void o.run([yes, no]).then(() => {
      box.hidden = true;
      btn.hidden = false;
    });
  });
  return { btn, box };
}

function runnerLine(P: ReleasePage, c: Controls): HTMLElement {
  if (P.serverRuns)
    return h(
      "p",
      { class: "muted small runner" },
      "The server's runner carries out what is decided here; this page shows it as it happens.",
    );
  return h(
    "p",
    { class: "muted small runner" },
    "This page records decisions; it does not run the release. An active brtops run carries them out at its next checkpoint; otherwise run: ",
    h("code", null, c.run),
  );
}

function renderIncident(P: ReleasePage, s: StatusView, c: Controls): void {
  const box = P.el.incident;
  const inc = s.incident;
  // A finished release keeps its last incident in the record; there is nothing left to guide.
  if (!inc || isFinished(s)) {
    box.hidden = true;
    clear(box);
    P.keys.incident = null;
    return;
  }
  const key = [inc.step, inc.error.code, inc.error.message, c.deployed, me().id].join("|");
  box.hidden = false;
  if (P.keys.incident === key) return; // keep an open confirmation and a typed note across live updates
  P.keys.incident = key;
  clear(box);
  box.appendChild(h("div", { class: "head" }, h("h2", null, `Incident at step ${inc.step}`), badge("failed")));
  box.appendChild(h("p", { id: "incident-error" }, h("code", null, inc.error.code), " ", inc.error.message));
  if (inc.interrupted)
    box.appendChild(
      h(
        "p",
        { class: "muted" },
        "The step was interrupted (the runner stopped mid-step) and cannot be re-run safely on its own.",
      ),
    );
  if (!may(P, "guide")) {
    box.appendChild(
      h(
        "p",
        { class: "notice", id: "incident-info" },
        `Only a HUM LEAD decides how to handle an incident. You are ${me().id} (${roleLabel(me().role)}). From the terminal:`,
      ),
    );
    box.appendChild(h("pre", null, s.next.join("\n")));
    return;
  }
  const note = h("input", { name: "note", id: "guide-note", placeholder: "Optional note for the record" });
  const guide = (choice: string) => (buttons: HTMLButtonElement[]) =>
    manage(P, "guide", { choice, step: inc.step, ...(note.value.trim() ? { note: note.value.trim() } : {}) }, buttons);
  // The choices this person may make (an emergency contact only rollback or abort), when the server lists them.
  const offered = choices(P, "guide", "choice");
  const offers = (choice: string) => !offered || offered.includes(choice);
  const retry = offers("retry")
    ? h("button", { class: "btn primary", type: "button", id: "guide-retry" }, "Retry")
    : null;
  retry?.addEventListener("click", () => void guide("retry")([retry]));
  const back =
    c.deployed && offers("rollback")
      ? confirmButton({
          id: "guide-rollback",
          cls: "stop",
          label: "Roll back",
          yes: "Yes, roll back",
          question: `Roll the deployment back to ${s.previous ? `v${s.previous}` : "the previous version"}? The runner undoes what was deployed and the release ends rolled back.`,
          run: guide("rollback"),
        })
      : null;
  const cont = !offers("continue")
    ? null
    : confirmButton({
        id: "guide-continue",
        label: "Continue",
        yes: "Yes, continue",
        question: `Continue past the failed step ${inc.step}? The release goes on as if it had succeeded; the failure stays in the record.`,
        run: guide("continue"),
      });
  box.appendChild(
    h(
      "div",
      { class: "decide", id: "guide" },
      h("h3", null, "How should the runner handle it?"),
      h("label", null, "Note", note),
      h("div", { class: "row" }, retry, back?.btn ?? null, cont?.btn ?? null),
      back?.box ?? null,
      cont?.box ?? null,
      runnerLine(P, c),
    ),
  );
}

function renderControls(P: ReleasePage, s: StatusView, c: Controls): void {
  const box = P.el.controls;
  const key = JSON.stringify([c, s.sev, me().id]);
  if (P.keys.controls === key) return;
  P.keys.controls = key;
  clear(box);
  const open = !c.finished;
  const stopping = c.abortRequested || c.rollbackRequested;
  const buttons: HTMLElement[] = [];
  const asks: HTMLElement[] = [];
  if (open && !c.paused && !stopping && may(P, "pause")) {
    const b = h("button", { class: "btn", type: "button", id: "pause" }, "Pause");
    b.addEventListener("click", () => void manage(P, "pause", {}, [b]));
    buttons.push(b);
  }
  if (open && (c.paused || c.onHold) && may(P, "resume")) {
    const b = h("button", { class: "btn go", type: "button", id: "resume" }, "Resume");
    b.addEventListener("click", () => void manage(P, "resume", {}, [b]));
    buttons.push(b);
  }
  if (open && !c.abortRequested && may(P, "abort")) {
    const a = confirmButton({
      id: "abort",
      cls: "stop",
      label: "Abort",
      yes: "Yes, abort the release",
      question: `Abort release v${s.version}?${c.deployed ? " What was deployed is rolled back in reverse order." : ""} This cannot be undone.`,
      run: (bs) => manage(P, "abort", {}, bs),
    });
    buttons.push(a.btn);
    asks.push(a.box);
  }
  if (c.deployed && !c.rollbackRequested && s.state !== "aborted" && s.state !== "rolled-back" && may(P, "rollback")) {
    const r = confirmButton({
      id: "rollback",
      cls: "stop",
      label: "Rollback",
      yes: "Yes, roll back",
      question: `Take the deployment back to ${s.previous ? `v${s.previous}` : "the previous version"}?`,
      run: (bs) => manage(P, "rollback", {}, bs),
    });
    buttons.push(r.btn);
    asks.push(r.box);
  }
  const lines: HTMLElement[] = [];
  if (c.paused)
    lines.push(
      h(
        "p",
        { class: "notice", id: "paused-info" },
        "Paused: the release holds at the next safe checkpoint until a HUM LEAD resumes it.",
      ),
    );
  if (c.onHold)
    lines.push(
      h(
        "p",
        { class: "notice", id: "hold-info" },
        "On hold: a deployment hold was escalated to the HUM LEADs; resume once reviewed.",
      ),
    );
  if (stopping)
    lines.push(
      h(
        "p",
        { class: "notice bad", id: "stopping-info" },
        `${c.rollbackRequested ? "Rollback" : "Abort"} recorded: the runner carries it out (brtops run).`,
      ),
    );
  let go: HTMLElement | null = null;
  if (c.autoProceed) {
    go = h(
      "p",
      { class: "muted", id: "go-info" },
      `GO RELEASE granted by ${c.autoProceed.by} · ${when(c.autoProceed.at)}.`,
    );
  } else if (open && may(P, "go")) {
    // Offered only where the grant would change something (never at SEV-0/1): the server's action list says.
    const b = h("button", { class: "btn go", type: "button", id: "go-release" }, "GO RELEASE");
    b.addEventListener("click", () => void manage(P, "go", {}, [b]));
    go = h(
      "div",
      { class: "go-release" },
      h("div", { class: "row" }, b),
      h(
        "p",
        { class: "muted small", id: "go-explain" },
        `Gates without findings are approved on this grant for SEV-2 and lower (this release is ${s.sev ?? "SEV-?"}); GO / NO-GO and certification still wait for a HUM LEAD.`,
      ),
    );
  }
  const any = buttons.length || lines.length || go;
  box.hidden = !any;
  if (!any) return;
  add(box, [
    h("h2", null, "Release controls"),
    lines,
    buttons.length ? h("div", { class: "row", id: "control-buttons" }, buttons) : null,
    asks,
    go,
    open && buttons.length ? runnerLine(P, c) : null,
  ]);
}

function signoffBlock(P: ReleasePage, scope: "uat" | "stakeholders", a: SignoffView): HTMLElement {
  const label = scope === "uat" ? "UAT sign-offs" : "Stakeholder sign-offs";
  const mine =
    a.required.some((r) => r.toLowerCase() === me().id.toLowerCase()) &&
    !a.signed.some((x) => x.by.toLowerCase() === me().id.toLowerCase());
  const items: HTMLElement[] = [
    h(
      "p",
      null,
      h("strong", null, `${label}: `),
      `${a.signed.length} of ${a.needed}${a.complete ? " — complete" : ""}`,
    ),
    h(
      "ul",
      { class: "signoff-list" },
      a.signed.map((x) => h("li", null, badge("signed", "ok"), ` ${x.by} · ${when(x.at)}`)),
      a.rejected.map((x) => h("li", null, badge("refused", "bad"), ` ${x.by} · ${when(x.at)}`)),
      a.missing.map((m) => h("li", null, badge("waiting", "warn"), ` ${m}`)),
    ),
  ];
  if (mine && may(P, "signoff")) {
    const note = h("input", { name: "note", placeholder: "Optional note", id: `signoff-${scope}-note` });
    const yes = h("button", { class: "btn go", type: "button", id: `signoff-${scope}` }, "Sign off");
    const no = h("button", { class: "btn stop", type: "button", id: `signoff-${scope}-refuse` }, "Refuse");
    const send = (reject: boolean) =>
      manage(
        P,
        "signoff",
        { for: scope, ...(reject ? { reject: true } : {}), ...(note.value.trim() ? { note: note.value.trim() } : {}) },
        [yes, no],
      );
    yes.addEventListener("click", () => void send(false));
    no.addEventListener("click", () => void send(true));
    items.push(h("label", null, "Note", note), h("div", { class: "row" }, yes, no));
  }
  return h("div", { class: "signoff", "data-scope": scope }, items);
}

function renderSignoffs(P: ReleasePage, c: Controls): void {
  const box = P.el.signoffs;
  const scopes: ["uat" | "stakeholders", SignoffView][] = [];
  // Phase 5 collects the stakeholders' sign-offs and checks UAT's; phase 3 collects UAT's.
  if (!c.finished && c.signoffs.uat && (c.phase === 3 || c.phase === 5)) scopes.push(["uat", c.signoffs.uat]);
  if (!c.finished && c.signoffs.stakeholders && c.phase === 5) scopes.push(["stakeholders", c.signoffs.stakeholders]);
  const key = JSON.stringify([scopes, me().id]);
  if (P.keys.signoff === key) return;
  P.keys.signoff = key;
  clear(box);
  box.hidden = !scopes.length;
  if (!scopes.length) return;
  add(box, [h("h2", null, "Sign-offs"), scopes.map(([scope, a]) => signoffBlock(P, scope, a))]);
}
