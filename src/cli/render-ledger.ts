/** The ledger as text: a table of what runs where, then each environment's recent history. */
import type { Ledger } from "../core/ledger.js";
import type { Promotable } from "../core/promotable.js";

const HISTORY_SHOWN = 5;

export function renderLedger(ledger: Ledger & { promotable?: readonly Promotable[] }): string {
  if (ledger.environments.length === 0) return "No environments configured and no releases yet.";
  const rows = [
    ["ENVIRONMENT", "VERSION", "SINCE", "RELEASE", "STATE", "COMMIT"],
    ...ledger.environments.map((e) => [
      e.name,
      e.version ? `v${e.version}` : "—",
      e.since ?? "—",
      e.release ?? (e.version ? "(not deployed by brtops)" : "—"),
      e.state ?? "—",
      e.commit ? e.commit.slice(0, 12) : "—",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  const history = ledger.environments
    .filter((e) => e.history.length > 0)
    .flatMap((e) => [
      "",
      `${e.name}:`,
      ...e.history
        .slice(-HISTORY_SHOWN)
        .map(
          (h) =>
            `  ${h.at}  ${h.kind.padEnd(11)} v${h.version}  (${h.release}${h.from ? `, from ${h.from}` : ""}${h.kind === "rolled-back" ? `, back to ${h.to ? `v${h.to}` : "nothing"}` : ""})`,
        ),
      ...(e.history.length > HISTORY_SHOWN
        ? [`  … ${e.history.length - HISTORY_SHOWN} earlier (--json shows all)`]
        : []),
    ]);
  // What `promotion:` allows now (core/promotable): the command that promotes each.
  const promotable = (ledger.promotable ?? []).map(
    (x) => `  v${x.version}  ${x.from} → ${x.to}   brtops release ${x.version} --to ${x.to}`,
  );
  return [...table, ...history, ...(promotable.length ? ["", "Can be promoted:", ...promotable] : [])].join("\n");
}
