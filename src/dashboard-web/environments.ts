/**
 * Environments at a glance: which version runs where, since when and for whom, with each
 * environment's history (deployments, promotions, certifications, rollbacks) as a versions ×
 * environments board, from the ledger (GET /api/environments). Where the server lists a promotion
 * as possible (`promotable`), a HUM LEAD can request it (POST /api/releases); the server judges it.
 */
import type { EnvironmentsAnswer } from "./api-types.js";
import { api, can, failMessage, render, S, toast, type OpenPage } from "./app-state.js";
import { badge, enc, h, refreshSince, since, when } from "./dom.js";
import { confirmButton } from "./manage.js";

type Env = EnvironmentsAnswer["environments"][number];
type Entry = Env["history"][number];

const KIND_WORD: Record<string, string> = {
  deployed: "deployed",
  promoted: "promoted",
  certified: "certified",
  "rolled-back": "rolled back",
  aborted: "aborted",
};

function entryText(e: Entry): string {
  if (e.kind === "rolled-back")
    return `v${e.version} rolled back${e.to === undefined ? "" : e.to ? ` to v${e.to}` : " (nothing before it)"}`;
  if (e.kind === "promoted") return `v${e.version} promoted${e.from ? ` from ${e.from}` : ""}`;
  return `v${e.version} ${KIND_WORD[e.kind] ?? e.kind}`;
}

/** Versions newest first by when they last did anything anywhere. */
function versionsOf(envs: Env[]): string[] {
  const last = new Map<string, string>();
  for (const e of envs) for (const x of e.history) if ((last.get(x.version) ?? "") < x.at) last.set(x.version, x.at);
  return [...last.entries()].sort((a, b) => b[1].localeCompare(a[1])).map(([v]) => v);
}

function cell(env: Env, version: string): HTMLElement {
  const mine = env.history.filter((x) => x.version === version);
  const latest = mine.at(-1);
  const current = env.version === version;
  if (!latest && !current) return h("td", { class: "empty", "data-env": env.name, "data-version": version }, "·");
  return h(
    "td",
    {
      class: current ? "current" : "past",
      "data-env": env.name,
      "data-version": version,
      "data-current": current ? "yes" : null,
    },
    current ? badge("running here", "ok") : null,
    latest
      ? h(
          "div",
          { class: "small" },
          KIND_WORD[latest.kind] ?? latest.kind,
          " ",
          h("span", { class: "muted" }, when(latest.at)),
        )
      : null,
    mine.some((x) => x.kind === "certified") && latest?.kind !== "certified"
      ? h("div", { class: "small muted" }, "certified")
      : null,
  );
}

function envCard(env: Env): HTMLElement {
  const deployedBy = [...env.history]
    .reverse()
    .find((x) => x.version === env.version && (x.kind === "deployed" || x.kind === "promoted"));
  return h(
    "section",
    { class: "card env", "data-env": env.name },
    h("div", { class: "head" }, h("h2", null, env.name), env.state ? badge(env.state) : null),
    env.version
      ? [
          h(
            "p",
            { class: "env-version" },
            h("strong", { class: "big" }, `v${env.version}`),
            " ",
            since(env.since ?? "", "for "),
          ),
          h(
            "p",
            { class: "muted small" },
            `since ${when(env.since)}`,
            deployedBy?.by ? ` · by ${deployedBy.by}` : "",
            env.release ? [" · run ", h("a", { href: `#/r/${enc(env.release)}` }, env.release)] : null,
            env.commit ? [" · commit ", h("code", null, env.commit.slice(0, 12))] : null,
          ),
        ]
      : h("p", { class: "muted" }, "Nothing deployed here by brtops."),
    env.history.length
      ? h(
          "ol",
          { class: "history", reversed: true },
          [...env.history]
            .reverse()
            .slice(0, 12)
            .map((x) =>
              h(
                "li",
                { "data-kind": x.kind },
                badge(KIND_WORD[x.kind] ?? x.kind, x.kind),
                " ",
                entryText(x),
                h("span", { class: "muted small" }, ` · ${when(x.at)}${x.by ? ` · ${x.by}` : ""}`),
              ),
            ),
        )
      : null,
  );
}

function promoteBox(data: EnvironmentsAnswer): HTMLElement | null {
  const list = data.promotable ?? [];
  if (!list.length) return null;
  const may = can("request");
  return h(
    "section",
    { class: "card", id: "promote" },
    h("h2", null, "Promotions possible"),
    h(
      "ul",
      { class: "promotions" },
      list.map((p) => {
        if (!may)
          return h("li", null, `v${p.version} → ${p.to}`, h("span", { class: "muted small" }, " (a lead requests it)"));
        const c = confirmButton({
          id: `promote-${p.version}-${p.to}`.replace(/[^A-Za-z0-9_-]/g, "_"),
          cls: "go",
          label: `Promote v${p.version}${p.from ? ` from ${p.from}` : ""} → ${p.to}`,
          yes: `Yes, promote to ${p.to}`,
          question: `Request the release of v${p.version} to ${p.to}? The approved package goes on as it is (no rebuild); its gates wait for a HUM LEAD as usual.`,
          run: async (buttons) => {
            for (const b of buttons) b.disabled = true;
            try {
              const r = await api<{ release?: string; version?: string; said?: string }>("POST", "/api/releases", {
                version: p.version,
                environment: p.to,
              });
              toast(r.said ?? `Release of v${p.version} to ${p.to} requested.`);
              if (r.release) location.hash = `#/r/${enc(r.release)}`;
            } catch (e) {
              toast(failMessage(e), true);
            } finally {
              for (const b of buttons) b.disabled = false;
            }
          },
        });
        return h("li", null, c.btn, c.box);
      }),
    ),
  );
}

export async function showEnvironments(): Promise<void> {
  const data = await api<EnvironmentsAnswer>("GET", "/api/environments");
  const envs = data.environments;
  const versions = versionsOf(envs);
  let ticker: ReturnType<typeof setInterval> | null = null;
  const page: OpenPage = { stop: () => ticker && clearInterval(ticker) };
  const board = versions.length
    ? h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "board", id: "board" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, "Version"),
              envs.map((e) => h("th", { scope: "col" }, e.name)),
            ),
          ),
          h(
            "tbody",
            null,
            versions.map((v) =>
              h(
                "tr",
                { "data-version": v },
                h("th", { scope: "row" }, `v${v}`),
                envs.map((e) => cell(e, v)),
              ),
            ),
          ),
        ),
      )
    : h("p", { class: "muted" }, "No version deployed yet.");
  render(
    h(
      "div",
      { id: "environments" },
      h("h1", null, "Environments"),
      promoteBox(data),
      h("section", { class: "card" }, h("h2", null, "Versions × environments"), board),
      h("div", { class: "envs" }, envs.map(envCard)),
    ),
  );
  S.page = page;
  ticker = setInterval(() => refreshSince(document), 1000);
}
