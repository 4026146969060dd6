/** Who is signed in, the sign-in form, the releases list (what needs a HUM LEAD first) and a release document. */
import type { Me, ReleaseRow } from "./api-types.js";
import { api, closePage, failMessage, render, roleLabel, S, setMe, statusOf, type OpenPage } from "./app-state.js";
import { badge, byId, clear, enc, h, refreshSince, since, when } from "./dom.js";
import { markdown } from "./markdown.js";
import { passkeyButton } from "./passkey.js";

export function installSession(route: () => Promise<void>): void {
  const $who = byId("who");
  const $logout = byId<HTMLButtonElement>("logout");
  S.onMe = (m: Me | null) => {
    $who.textContent = m ? `${m.id} · ${roleLabel(m.role)}` : "";
    $logout.hidden = !m || m.via !== "cookie";
    byId("nav").hidden = !m;
    passkeyButton(m);
  };
  S.onSignedOut = (message) => signedOut(message, route);
  $logout.addEventListener("click", () => {
    api("POST", "/api/logout")
      .catch(() => undefined) // signed out either way
      .finally(() => signedOut("Signed out.", route));
  });
}

function signedOut(message: string, route: () => Promise<void>): void {
  setMe(null);
  showSignIn(route, message);
}

export function showSignIn(route: () => Promise<void>, message = ""): void {
  closePage();
  const err = h("p", { class: "error", id: "signin-error", role: "alert" }, message);
  const id = h("input", {
    name: "id",
    id: "signin-id",
    type: "text",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
  });
  const pw = h("input", {
    name: "password",
    id: "signin-password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const btn = h("button", { class: "btn primary", type: "submit" }, "Sign in");
  const submit = (ev: Event) => {
    ev.preventDefault();
    btn.disabled = true;
    err.textContent = "";
    api<Me>("POST", "/api/login", { id: id.value.trim(), password: pw.value })
      .then(async (m) => {
        setMe(m);
        await route();
      })
      .catch((e: unknown) => {
        err.textContent = failMessage(e);
        pw.value = "";
        pw.focus();
      })
      .finally(() => (btn.disabled = false));
  };
  render(
    h(
      "section",
      { class: "card signin" },
      h("h1", null, "Sign in"),
      h(
        "p",
        { class: "muted" },
        "Your identity as named in brtops.config.yaml. Passwords are set with: brtops user add ID",
      ),
      h(
        "form",
        { id: "signin", onsubmit: submit },
        h("label", null, "Identity", id),
        h("label", null, "Password", pw),
        h("div", { class: "row" }, btn),
        err,
      ),
    ),
  );
  id.focus();
}

const LIST_REFRESH_MS = 15000;

const KIND_LABEL: Record<string, string> = {
  incident: "INCIDENT",
  hold: "ON HOLD",
  paused: "PAUSED",
  running: "running",
  finished: "finished",
};
const GATE_LABEL: Record<string, string> = {
  "go-no-go": "GO / NO-GO",
  certification: "certification",
  approval: "approval",
  readiness: "readiness",
  incident: "incident",
  deviation: "scope deviation",
};

function releaseCard(r: ReleaseRow): HTMLElement {
  const a = r.attention;
  const kind =
    a.kind === "gate" ? `gate: ${GATE_LABEL[a.gateKind ?? ""] ?? a.gateKind ?? ""}` : (KIND_LABEL[a.kind] ?? a.kind);
  return h(
    "li",
    { class: `card rel ${a.kind}`, "data-release": r.release, "data-attention": a.kind },
    h(
      "a",
      { href: `#/r/${enc(r.release)}` },
      h(
        "div",
        { class: "head" },
        h("strong", null, `v${r.version}`),
        h("span", null, `→ ${r.environment}`),
        h("span", { class: "muted small" }, a.sev),
        badge(
          kind,
          a.kind === "incident"
            ? "bad"
            : a.kind === "hold" || a.kind === "paused"
              ? "warn"
              : a.kind === "gate"
                ? "gate"
                : r.state,
        ),
      ),
      h("div", { class: "what" }, h("span", { class: "mono" }, a.step), " ", a.title),
      h(
        "div",
        { class: "muted small" },
        a.waitsFor === "hum-lead"
          ? ["Waiting for a HUM LEAD ", since(a.since, "for "), ` · since ${when(a.since)}`]
          : a.kind === "finished"
            ? `Ended ${when(a.since)}`
            : ["Last change ", since(a.since), " ago"],
        ` · requested by ${r.requestedBy}`,
      ),
    ),
  );
}

async function fillList(box: HTMLElement, empty: HTMLElement): Promise<void> {
  const data = await api<{ releases: ReleaseRow[] }>("GET", "/api/dashboard/releases");
  const newest = (a: ReleaseRow, b: ReleaseRow) => b.lastAt.localeCompare(a.lastAt);
  // Longest waiting first: the release that has waited most needs a person most.
  const needs = data.releases
    .filter((r) => r.attention.waitsFor === "hum-lead")
    .sort((a, b) => a.attention.since.localeCompare(b.attention.since));
  const urgent = (r: ReleaseRow) => (r.attention.kind === "incident" || r.attention.kind === "hold" ? 0 : 1);
  needs.sort((a, b) => urgent(a) - urgent(b));
  const running = data.releases.filter((r) => r.attention.kind === "running").sort(newest);
  const finished = data.releases.filter((r) => r.attention.kind === "finished").sort(newest);
  const group = (id: string, title: string, rows: ReleaseRow[]) =>
    rows.length
      ? h(
          "section",
          { class: "group", id },
          h("h2", null, `${title} (${rows.length})`),
          h("ul", { class: "releases" }, rows.map(releaseCard)),
        )
      : null;
  clear(box);
  const mine = S.me?.role === "hum-lead" ? "Needs you" : "Waiting for a HUM LEAD";
  for (const g of [
    group("needs", mine, needs),
    group("running", "In progress", running),
    group("finished", "Finished", finished),
  ])
    if (g) box.appendChild(g);
  box.hidden = !data.releases.length;
  empty.hidden = !!data.releases.length;
}

export async function showList(): Promise<void> {
  const box = h("div", { id: "releases" });
  const empty = h("p", { class: "muted card" }, "No releases yet. Start one with: brtops release 1.0.0 --to staging");
  let retry: ReturnType<typeof setTimeout> | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  const page: OpenPage = {
    stop() {
      if (retry) clearTimeout(retry);
      if (ticker) clearInterval(ticker);
    },
  };
  await fillList(box, empty);
  render(h("section", null, h("h1", null, "Releases"), box, empty));
  S.page = page;
  ticker = setInterval(() => refreshSince(box), 1000);
  // The list has no event stream: look again now and then for releases started elsewhere.
  const again = () => {
    retry = setTimeout(() => {
      if (S.page === page) fillList(box, empty).then(again, () => undefined);
    }, LIST_REFRESH_MS);
  };
  again();
}

/** A release document, rendered from its markdown into DOM nodes. */
export async function showDocument(version: string, name: string): Promise<void> {
  const d = await api<{ name: string; phase: number; text: string }>(
    "GET",
    `/api/releases/${enc(version)}/documents/${enc(name)}`,
  );
  render(
    h(
      "article",
      { class: "card doc", id: "document" },
      h("p", null, h("a", { href: `#/r/${enc(version)}` }, `← v${version}`)),
      h("h1", null, d.name),
      h("p", { class: "muted small" }, `Written at the approval of phase ${d.phase}; derived from the release log.`),
      markdown(d.text),
    ),
  );
}

export function showError(e: unknown): void {
  render(
    h(
      "section",
      { class: "card" },
      h("h1", null, "Something went wrong"),
      h("p", { class: "notice bad" }, failMessage(e)),
      h("a", { href: "#/" }, "Back to the releases"),
    ),
  );
}
