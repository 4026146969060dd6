/**
 * A password typed at a terminal is never echoed: `brtops user add ID` asks for it (twice, so a
 * typo does not lock the person out) with a masked prompt on stderr, which keeps stdout for the
 * result (--json). Piped in, it is read from stdin as before (`echo pw | brtops user add ID`).
 */
import { BrtopsError } from "../core/errors.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** The new password for `id`: asked without echo on a terminal, read from stdin otherwise. */
export async function readNewPassword(id: string): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const { password } = await import("@inquirer/prompts");
  const context = { output: process.stderr };
  const required = (v: string) => v.length > 0 || "The password cannot be empty.";
  const first = await password({ message: `Password for ${id}:`, mask: "*", validate: required }, context);
  const again = await password({ message: "The same again:", mask: "*" }, context);
  if (first !== again)
    throw new BrtopsError("E_USAGE", "The two passwords differ; nothing was changed.", {
      hint: `Run \`brtops user add ${id}\` again.`,
    });
  return first;
}
