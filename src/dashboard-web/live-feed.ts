/**
 * What the server's runner is doing right now (GET …/progress, SSE): the running step's output
 * lines as the command prints them and each health probe as it answers. Not in the log — the log
 * keeps the outcomes, which the deployment panel shows — so it lives beside that panel.
 */
import { enc, h, clear, when } from "./dom.js";
import { isFinished, type ReleasePage } from "./release-page-state.js";

/** One progress event of the runner (engine ProgressEvent, with when the server heard it). */
interface Progress {
  kind: "step" | "effect" | "output" | "info" | "health";
  step: string;
  message: string;
  status?: "start" | "ok" | "fail" | "skip";
  at: string;
}

const LINES_PER_STEP = 8;

export interface LiveFeed {
  box: HTMLElement;
  /** Output lines by step, newest last. */
  output: Map<string, string[]>;
  /** The latest answer of each health check. */
  probes: Map<string, { ok: boolean; detail: string; at: string; step: string }>;
  es: EventSource | null;
}

export function liveFeed(): LiveFeed {
  return {
    box: h("div", { id: "live-feed", class: "live-feed", hidden: true }),
    output: new Map(),
    probes: new Map(),
    es: null,
  };
}

/** Opens the progress stream of the page's release (only where the server runs releases itself). */
export function openLiveFeed(P: ReleasePage, feed: LiveFeed): void {
  if (!P.serverRuns) return;
  const es = new EventSource(`/api/releases/${enc(P.version)}/progress`);
  feed.es = es;
  es.addEventListener("progress", (ev) => {
    const p = JSON.parse((ev as MessageEvent<string>).data) as Progress;
    if (p.kind === "output") {
      const lines = feed.output.get(p.step) ?? [];
      lines.push(...p.message.split(/\r?\n/).filter((l) => l.trim() !== ""));
      feed.output.set(p.step, lines.slice(-LINES_PER_STEP));
    } else if (p.kind === "health") {
      const i = p.message.indexOf(": ");
      const check = i > 0 ? p.message.slice(0, i) : p.message;
      feed.probes.set(check, {
        ok: p.status !== "fail",
        detail: i > 0 ? p.message.slice(i + 2) : "",
        at: p.at,
        step: p.step,
      });
    } else if ((p.kind === "step" || p.kind === "effect") && p.status === "start") {
      feed.output.delete(p.step); // a step started again: its earlier lines are not this run's
    } else return;
    drawLiveFeed(P, feed);
  });
}

export function drawLiveFeed(P: ReleasePage, feed: LiveFeed): void {
  const box = clear(feed.box);
  const over = !P.status || isFinished(P.status);
  box.hidden = over || (feed.output.size === 0 && feed.probes.size === 0);
  if (box.hidden) return;
  box.appendChild(h("h3", null, "Live from the runner"));
  for (const [step, lines] of feed.output)
    box.appendChild(
      h(
        "div",
        { class: "live-step", "data-step": step },
        h("span", { class: "mono small" }, step),
        h("pre", { class: "output" }, lines.join("\n")),
      ),
    );
  if (feed.probes.size)
    box.appendChild(
      h(
        "ul",
        { class: "probes", id: "probes" },
        [...feed.probes].map(([check, r]) =>
          h(
            "li",
            { "data-check": check, class: r.ok ? "ok" : "bad" },
            h("span", { class: "mark" }, r.ok ? "✔" : "✘"),
            ` ${check}: ${r.detail}`,
            h("span", { class: "muted small" }, ` · ${r.step} · ${when(r.at)}`),
          ),
        ),
      ),
    );
}
