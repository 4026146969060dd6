/**
 * Command-line parsing from the command table: the command word picks the table entry, and
 * commander parses the rest with that command's options and the global ones only — an unknown
 * option is E_USAGE (exit 2) naming the options the command has. A first word that is no command
 * is a BRTOPS phrase (`brtops "RELEASE v2.1.0 to Staging"`), or, alone, a misspelt command.
 */
import { Command, CommanderError, Option } from "commander";
import { BrtopsError } from "../core/errors.js";
import type { Args } from "./args.js";
import {
  COMMANDS,
  GLOBAL_OPTIONS,
  commandSpec,
  optionLabel,
  optionSpec,
  optionsOf,
  similarCommands,
  type CommandSpec,
  type OptionName,
  type OptionSpec,
} from "./command-table.js";

/** Options a phrase may carry: the global ones and those of the commands phrases stand for. */
export const PHRASE_OPTIONS: readonly OptionName[] = [
  ...GLOBAL_OPTIONS,
  "dry-run",
  "override-promotion",
  "jsonl",
  "note",
  "step",
  "reason",
];

/** A phrase's options are those of the commands it stands for (release, approve …): their definitions. */
const PHRASE_SPECS: { optionSpecs: Record<string, OptionSpec> } = {
  optionSpecs: Object.assign({}, ...[...COMMANDS].reverse().map((c) => c.optionSpecs ?? {})) as Record<
    string,
    OptionSpec
  >,
};

export type Parsed =
  | { kind: "command"; spec: CommandSpec; args: Args }
  | { kind: "phrase"; phrase: string; args: Args }
  | { kind: "main"; args: Args };

const STRING_GLOBALS = new Set(["--as", "--release", "--env", "--cwd", "-C"]);

/** Index of the command word: the first argument that is not an option or a global option's value. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    if (a === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (STRING_GLOBALS.has(a)) {
      i += 1;
      continue;
    }
    if (!a.startsWith("-") || a === "-") return i;
  }
  return -1;
}

function usageError(
  message: string,
  options: readonly OptionName[],
  name: string,
  specs?: Pick<CommandSpec, "optionSpecs">,
): BrtopsError {
  return new BrtopsError("E_USAGE", message, {
    hint: `${name === "phrase" ? "A phrase takes" : `\`brtops ${name}\` takes`} ${options.map((o) => optionLabel(o, specs).replace(/^-\w, /, "")).join(", ")}. Run \`brtops ${name === "brtops" || name === "phrase" ? "" : `${name} `}--help\`.`,
    details: { command: name, options: options.map((o) => `--${o}`) },
  });
}

/** Parses `argv` (after the command word) with exactly `allowed` options. */
function parseOptions(
  name: string,
  argv: readonly string[],
  allowed: readonly OptionName[],
  specs?: Pick<CommandSpec, "optionSpecs">,
): { positionals: string[]; flags: Args["flags"] } {
  const cmd = new Command(name)
    .exitOverride()
    .helpOption(false)
    .allowExcessArguments(true)
    .argument("[args...]")
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  const attribute = new Map<string, OptionName>();
  for (const n of allowed) {
    const spec = optionSpec(n, specs);
    const flags = `${spec.short ? `-${spec.short}, ` : ""}--${n}${spec.type === "boolean" ? "" : ` <${spec.value ?? "value"}>`}`;
    const o = new Option(flags, spec.description);
    if (spec.type === "strings") o.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    cmd.addOption(o);
    attribute.set(o.attributeName(), n);
  }
  try {
    cmd.parse([...argv], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    const text = e.message.replace(/^error:\s*/i, "").replace(/\n/g, " ");
    const what =
      e.code === "commander.unknownOption"
        ? `\`brtops ${name}\` takes no option ${text.replace(/^unknown option\s*/, "")}`
        : `\`brtops ${name}\`: ${text}`;
    throw usageError(`${what}.`, allowed, name, specs);
  }
  const flags: Record<string, unknown> = {};
  for (const [attr, value] of Object.entries(cmd.opts())) {
    const n = attribute.get(attr);
    // A negation ("--no-runner") is true when given: commander keeps it as runner = false, true by default.
    if (n?.startsWith("no-")) {
      if (value === false) flags[n] = true;
      continue;
    }
    if (n && value !== undefined) flags[n] = value;
  }
  return { positionals: [...cmd.args], flags: flags };
}

/** Parses a command line: a table command, a phrase, or the main help/version. */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const at = commandIndex(argv);
  const rest = at < 0 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
  const word = at < 0 ? undefined : argv[at]!;
  if (word === undefined || word === "help") {
    const { positionals, flags } = parseOptions("brtops", rest, [...GLOBAL_OPTIONS, "version"]);
    return { kind: "main", args: { command: word, positionals, flags } };
  }
  const spec = commandSpec(word);
  if (spec) {
    const allowed = optionsOf(spec);
    const { positionals, flags } = parseOptions(spec.name, rest, allowed, spec);
    if (!flags.help && positionals.length > spec.maxArgs) {
      throw new BrtopsError(
        "E_USAGE",
        `\`brtops ${spec.name}\` takes ${spec.maxArgs === 0 ? "no arguments" : `at most ${spec.maxArgs} argument(s) (${spec.args})`}, not "${positionals.join(" ")}".`,
        { hint: `Run \`brtops ${spec.name} --help\`.` },
      );
    }
    return { kind: "command", spec, args: { command: spec.name, positionals, flags } };
  }
  const { positionals, flags } = parseOptions("phrase", rest, PHRASE_OPTIONS, PHRASE_SPECS);
  // One word that is no command: a typo rather than a phrase (phrases have several words).
  if (positionals.length === 0 && !/\s/.test(word)) {
    const near = similarCommands(word);
    throw new BrtopsError(
      "E_UNKNOWN_COMMAND",
      `Unknown command "${word}".${
        near.length
          ? ` Did you mean ${near
              .slice(0, 3)
              .map((n) => `\`brtops ${n}\``)
              .join(" or ")}?`
          : ""
      }`,
      {
        hint: 'Run `brtops --help` for the commands, or quote a BRTOPS phrase: brtops "RELEASE v2.1.0 to Staging".',
        details: { command: word, suggestions: near },
      },
    );
  }
  return { kind: "phrase", phrase: [word, ...positionals].join(" "), args: { command: word, positionals, flags } };
}

/** A phrase stands for a command: the options given must be ones that command takes. */
export function checkPhraseOptions(command: string, flags: Args["flags"]): void {
  const spec = commandSpec(command);
  if (!spec) return;
  const allowed = optionsOf(spec);
  const extra = Object.keys(flags).filter((k) => !allowed.includes(k));
  if (extra.length)
    throw usageError(
      `The phrase means \`brtops ${spec.name}\`, which takes no option ${extra.map((x) => `--${x}`).join(", ")}.`,
      allowed,
      spec.name,
      spec,
    );
}
