/**
 * Live deployment (phase 6 and 7's checks): each step and deploy sub-step as it starts and ends,
 * with the time it has run (ticking while it runs), the last lines of its output (redacted when the
 * runner recorded them), the health checks' results, and the incident when one opens. Redrawn from
 * GET …/deployment after every status the event stream brings.
 */
import type { DeploymentStatus } from "./api-types.js";
import { api, S } from "./app-state.js";
import { badge, clear, duration, enc, h, since } from "./dom.js";
import type { ReleasePage } from "./release-page-state.js";

type Row = DeploymentStatus["steps"][number];

function healthText(v: unknown): string {
  if (Array.isArray(v)) {
    return (
      v
        .map((c: unknown) => {
          if (!c || typeof c !== "object") return String(c);
          const r = c as { check?: string; name?: string; status?: string; ok?: boolean; failures?: number };
          const status = r.status ?? (r.ok === true ? "ok" : r.ok === false ? "failing" : "?");
          return `${r.check ?? r.name ?? "check"}: ${status}${r.failures ? ` (${r.failures} failed probe(s))` : ""}`;
        })
        .join(" · ") || "no health checks"
    );
  }
  if (v && typeof v === "object") {
    const o = v as { summary?: string; checked?: number; failed?: string[] };
    if (typeof o.summary === "string") return o.summary;
    if (typeof o.checked === "number")
      return `${o.checked} checked${o.failed?.length ? `, failing: ${o.failed.join(", ")}` : ", all healthy"}`;
    return JSON.stringify(v);
  }
  return String(v);
}

const STEP_WORD: Record<string, string> = {
  started: "running",
  succeeded: "done",
  failed: "failed",
  skipped: "skipped",
};

function outputLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .slice(-8);
}

/** App Review's state as last seen by the runner (6.1's `app-store-review`), and the phased release's. */
function appStoreLine(a: NonNullable<DeploymentStatus["appStore"]>): HTMLElement {
  return h(
    "p",
    { id: "deploy-app-store", "data-state": a.state },
    `App Store: ${a.text} `,
    h("span", { class: "muted" }, since(a.at, "seen "), " ago"),
    a.phasedRelease ? h("span", { class: "muted" }, ` · phased release ${a.phasedRelease}`) : null,
  );
}

function row(st: Row): HTMLElement {
  const sub = st.step.includes(":");
  const running = st.status === "started";
  const probing = running && (st.step === "6.2" || st.step.startsWith("7."));
  return h(
    "li",
    { "data-step": st.step, "data-status": st.status, class: sub ? "sub" : "main" },
    badge(STEP_WORD[st.status] ?? st.status, st.status),
    h("span", { class: "mono" }, st.step),
    h("span", { class: "label" }, st.label),
    running
      ? h("span", { class: "elapsed muted" }, since(st.startedAt, "running for "))
      : st.durationMs !== undefined
        ? h("span", { class: "elapsed muted" }, duration(st.durationMs))
        : null,
    probing ? h("span", { class: "health probing" }, "Probing the health checks…") : null,
    st.detail && !st.error ? h("span", { class: "detail muted small" }, st.detail) : null,
    st.error ? h("span", { class: "health bad" }, st.error) : null,
    st.health !== undefined ? h("span", { class: "health" }, `Health: ${healthText(st.health)}`) : null,
    st.output ? h("pre", { class: "output" }, outputLines(st.output).join("\n")) : null,
  );
}

export async function loadDeployment(P: ReleasePage): Promise<void> {
  const d = await api<DeploymentStatus>("GET", `/api/releases/${enc(P.version)}/deployment`);
  if (S.page !== P) return;
  P.deployment = d;
  const incident = P.status?.incident ?? null;
  // Redrawn only when something changed: an unchanged panel keeps its ticking times and the reader's place.
  const key = JSON.stringify([d, incident]);
  if (P.keys.deployment === key) return;
  P.keys.deployment = key;
  const el = clear(P.el.deployment);
  if (!d.steps.length) {
    el.appendChild(
      h(
        "p",
        { class: "muted" },
        `Not started yet (state ${d.state}). Deployment runs in phase 6, after the GO decision.`,
      ),
    );
    return;
  }
  const subs = d.steps.filter((s) => s.step.startsWith("6.1:"));
  const done = subs.filter((s) => s.status === "succeeded" || s.status === "skipped").length;
  const current = d.steps.find((s) => s.status === "started");
  el.appendChild(
    h(
      "p",
      { id: "deploy-summary" },
      d.deployed ? `Deployed to ${d.environment}.` : `Deploying to ${d.environment} (state ${d.state}).`,
      subs.length ? h("span", { class: "muted" }, ` ${done} of ${subs.length} deploy step(s) done.`) : null,
      current ? h("span", { class: "muted", id: "deploy-current" }, ` Now: ${current.step} ${current.label}.`) : null,
    ),
  );
  if (incident)
    el.appendChild(
      h(
        "p",
        { class: "notice bad", id: "deploy-incident" },
        `Incident at step ${incident.step}: ${incident.error.message} `,
        // A button, not an in-page link: the address's hash is the router's.
        h(
          "button",
          { class: "link", type: "button", onclick: () => document.getElementById("incident")?.scrollIntoView() },
          "How to handle it",
        ),
      ),
    );
  if (d.appStore) el.appendChild(appStoreLine(d.appStore));
  el.appendChild(h("ul", { class: "steps deploy-steps" }, d.steps.map(row)));
}
