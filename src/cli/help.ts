/** --help texts, rendered from the command table (and so, for the actions, from the action table). */
import { whoMay } from "../actions/who.js";
import { rolesFor } from "../actions/who.js";
import {
  COMMANDS,
  GLOBAL_OPTIONS,
  GROUPS,
  optionLabel,
  optionSpec,
  type CommandSpec,
  type OptionName,
} from "./command-table.js";

export { whoMay };

function optionLines(names: readonly OptionName[], spec?: CommandSpec): string[] {
  const w = Math.max(...names.map((n) => optionLabel(n, spec).length));
  return names.map((n) => `  ${optionLabel(n, spec).padEnd(w)}  ${optionSpec(n, spec).description}`);
}

/** `brtops COMMAND --help`. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `brtops ${spec.name}${spec.args ? ` ${spec.args}` : ""}${spec.options.length ? " [options]" : ""}`,
    `  ${spec.summary}`,
    ...(spec.details ? spec.details.split("\n").map((l) => `  ${l}`) : []),
    `  Who: ${whoMay(spec.action)}.`,
    "",
    ...(spec.options.length ? ["Options:", ...optionLines(spec.options, spec), ""] : []),
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
    "Shell completion: `brtops completion bash|zsh|fish`.",
    "Exit codes: 0 done, 1 a step failed, 2 bad input, 3 waiting for a HUM LEAD, 4 not authorised, 5 conflict.",
  ].join("\n");
}

/** One command as `brtops help --json` lists it: its action, who may run it, its options. */
export function commandJson(c: CommandSpec) {
  return {
    name: c.name,
    group: c.group,
    summary: c.summary,
    args: c.args,
    /** The action of the action table it is generated from (null: a command of the CLI alone). */
    action: c.actionName ?? null,
    authority: c.action ?? "read",
    roles: rolesFor(c.action ?? "read"),
    who: whoMay(c.action),
    options: c.options.map((n) => ({ name: n, ...optionSpec(n, c) })),
  };
}

/** `brtops help --json`: the text and every command. */
export function mainHelpJson() {
  return { help: mainHelp(), commands: COMMANDS.map(commandJson), globalOptions: [...GLOBAL_OPTIONS] };
}
