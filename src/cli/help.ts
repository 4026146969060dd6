/** --help texts, rendered from the command table. */
import { authorize, type Action } from "../core/authority.js";
import { COMMANDS, GLOBAL_OPTIONS, GROUPS, OPTIONS, optionLabel, type CommandSpec } from "./command-table.js";

const PROBE = { hum: ["h"], ai: ["a"], members: ["m"] };

/** Who may run an action, as core/authority decides it (asked, not restated). */
export function whoMay(action: Action | null): string {
  if (action === null) return "anyone (it records nothing)";
  const may = (id: string): boolean => {
    try {
      authorize(PROBE, id, action);
      return true;
    } catch {
      return false;
    }
  };
  const roles = [may("h") ? "HUM LEAD" : "", may("a") ? "AI LEAD" : "", may("m") ? "member" : ""].filter(Boolean);
  return roles.length === 3 ? "anyone named in brtops.config.yaml" : roles.join(" or ");
}

function optionLines(names: readonly (keyof typeof OPTIONS)[]): string[] {
  const w = Math.max(...names.map((n) => optionLabel(n).length));
  return names.map((n) => `  ${optionLabel(n).padEnd(w)}  ${OPTIONS[n].description}`);
}

/** `brtops COMMAND --help`. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `brtops ${spec.name}${spec.args ? ` ${spec.args}` : ""}${spec.options.length ? " [options]" : ""}`,
    `  ${spec.summary}`,
    ...(spec.details ? spec.details.split("\n").map((l) => `  ${l}`) : []),
    `  Who: ${whoMay(spec.action)}.`,
    "",
    ...(spec.options.length ? ["Options:", ...optionLines(spec.options), ""] : []),
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
  ].join("\n");
}

/** `brtops --help`: every command of the table, by group. */
export function mainHelp(): string {
  const byGroup = (g: string) => COMMANDS.filter((c) => c.group === g).map((c) => c.name);
  return [
    "brtops — runs the BRTOPS RELEASE workflow: seven phases, HUM LEAD gates, a tamper-evident log.",
    "",
    'Usage: brtops COMMAND [options]      or      brtops "RELEASE v2.1.0 to Staging"',
    "",
    ...GROUPS.map((g) => `${`${g}:`.padEnd(11)} ${[...(g === "Start" ? ['"PHRASE"'] : []), ...byGroup(g)].join(", ")}`),
    "",
    "Options for every command:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Each command takes only its own options besides these: `brtops COMMAND --help` lists them.",
    "Exit codes: 0 done, 1 a step failed, 2 bad input, 3 waiting for a HUM LEAD, 4 not authorised, 5 conflict.",
  ].join("\n");
}
