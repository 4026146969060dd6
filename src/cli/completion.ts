/**
 * `brtops completion bash|zsh|fish`: shell completion scripts generated from the command table
 * (and so, for the actions, from the action table): the commands, each command's own options and
 * the global ones, and the words a command takes from a fixed set (guide's retry|rollback|continue).
 */
import { BrtopsError } from "../core/errors.js";
import { actionSpec } from "../actions/table.js";
// Provides zod to the action table: an enum option's words are read from its schema.
import "../actions/input.js";
import { COMMANDS, GLOBAL_OPTIONS, optionSpec, optionsOf, type CommandSpec } from "./command-table.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** The fixed words a command's first argument may be (an enum of its action's options, or the incident subcommand). */
function firstWords(c: CommandSpec): string[] {
  if (c.name === "completion") return [...SHELLS];
  if (c.name === "incident") return ["note"];
  if (c.name === "propose") return ["accept-risk", "guidance"];
  if (c.name === "audit") return ["verify"];
  const a = c.actionName ? actionSpec(c.actionName) : undefined;
  const first = a && Object.entries(a.fields).find(([, f]) => f.ui.arg === 0);
  if (!first) return [];
  const def = (first[1].schema as { def?: { type?: string; entries?: Record<string, string> } }).def;
  return def?.type === "enum" && def.entries ? Object.values(def.entries) : [];
}

/** The options that take a value (the word after them is theirs, not a command). */
const valued = (c?: CommandSpec) =>
  (c ? optionsOf(c) : [...GLOBAL_OPTIONS]).filter((n) => optionSpec(n, c).type !== "boolean").map((n) => `--${n}`);

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(): string {
  const cases = COMMANDS.map((c) => {
    const opts = optionsOf(c).map((n) => `--${n}`);
    const words = firstWords(c);
    return `    ${c.name}) opts=${shq(opts.join(" "))}; words=${shq(words.join(" "))} ;;`;
  });
  return `# brtops completion for bash — generated from brtops' command table.
# Load it with: source <(brtops completion bash)   (or save it in /etc/bash_completion.d/brtops)
_brtops() {
  local cur prev cmd="" i opts="" words="" valued=${shq(valued().join(" "))}
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) case " $valued " in *" \${COMP_WORDS[i-1]} "*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W ${shq(GLOBAL_OPTIONS.map((n) => `--${n}`).join(" ") + " --version")} -- "$cur"))
    else
      COMPREPLY=($(compgen -W ${shq(COMMANDS.map((c) => c.name).join(" "))} -- "$cur"))
    fi
    return 0
  fi
  case "$cmd" in
${cases.join("\n")}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n "$words" && "$prev" == "$cmd" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
  return 0
}
complete -F _brtops brtops
`;
}

const zq = (s: string) => s.replace(/\\/g, "\\\\").replace(/:/g, "\\:").replace(/'/g, "'\\''");

function zsh(): string {
  const cmds = COMMANDS.map((c) => `    '${c.name}:${zq(oneLine(c.summary).slice(0, 80))}'`);
  const cases = COMMANDS.map((c) => {
    const opts = optionsOf(c).map((n) => `'--${n}:${zq(oneLine(optionSpec(n, c).description))}'`);
    const words = firstWords(c);
    return `    ${c.name})\n      opts=(${opts.join(" ")})\n      firsts=(${words.join(" ")}) ;;`;
  });
  return `#compdef brtops
# brtops completion for zsh — generated from brtops' command table.
# Load it with: source <(brtops completion zsh)   (or save it as _brtops in a folder of $fpath)
_brtops() {
  local -a commands opts firsts
  commands=(
${cmds.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'brtops command' commands
    return
  fi
  case $words[2] in
${cases.join("\n")}
  esac
  if [[ $PREFIX == -* ]]; then
    _describe -t options 'option' opts
  elif (( CURRENT == 3 )) && (( \${#firsts} )); then
    compadd -a firsts
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _brtops "$@"; else compdef _brtops brtops; fi
`;
}

function fish(): string {
  const lines = [
    "# brtops completion for fish — generated from brtops' command table.",
    "# Load it with: brtops completion fish | source   (or save it as ~/.config/fish/completions/brtops.fish)",
    "complete -c brtops -f",
  ];
  for (const n of [...GLOBAL_OPTIONS]) {
    const o = optionSpec(n);
    lines.push(`complete -c brtops -l ${n}${o.type === "boolean" ? "" : " -r"} -d ${shq(oneLine(o.description))}`);
  }
  for (const c of COMMANDS) {
    lines.push(`complete -c brtops -n __fish_use_subcommand -a ${c.name} -d ${shq(oneLine(c.summary).slice(0, 80))}`);
    for (const n of c.options) {
      const o = optionSpec(n, c);
      lines.push(
        `complete -c brtops -n '__fish_seen_subcommand_from ${c.name}' -l ${n}${o.type === "boolean" ? "" : " -r"} -d ${shq(oneLine(o.description))}`,
      );
    }
    const words = firstWords(c);
    if (words.length)
      lines.push(`complete -c brtops -n '__fish_seen_subcommand_from ${c.name}' -a ${shq(words.join(" "))}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The completion script for `shell`. */
export function completionScript(shell: string | undefined): string {
  switch (shell) {
    case "bash":
      return bash();
    case "zsh":
      return zsh();
    case "fish":
      return fish();
    default:
      throw new BrtopsError("E_USAGE", `No completion for "${shell ?? ""}": brtops completes bash, zsh and fish.`, {
        hint: "source <(brtops completion bash)",
        details: { shells: [...SHELLS] },
      });
  }
}
