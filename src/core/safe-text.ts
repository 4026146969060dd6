/**
 * Text from elsewhere (commit messages, readiness documents, folder names, what a person typed)
 * made harmless where brtops writes it: a terminal must not receive escape sequences (clear the
 * screen, set the window title, rewrite a line with a carriage return), a markdown document must
 * not receive HTML, and a message must not quote 120 KB of input back. Pure.
 */

// ESC-introduced sequences, removed whole so that no "[2J" debris is left: CSI (ESC [ … final),
// OSC, DCS, SOS, PM and APC strings (ESC ] … BEL or ESC \), and two-character escapes (ESC x).
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// Every C0 control but tab and line feed, DEL, the C1 controls, and the bidirectional overrides
// and isolates that make text read differently from what it is ("Trojan Source").
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to write to a terminal: escape sequences and control characters removed, line breaks
 * and tabs kept ("\r\n" becomes "\n"; a lone "\r", which would let a line overwrite itself, goes).
 * @example terminalText("ok\u001b]0;pwned\u0007\u001b[2J done\r") // "ok done"
 */
export function terminalText(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
}

/**
 * One line of markdown from text written elsewhere: no line breaks, no control characters or
 * escape sequences, no HTML (`<`, `>` and `&` become entities, which render as themselves) and no
 * table breakers (`|`).
 * @example markdownText("fix <script>x</script> | y\nz") // "fix &lt;script&gt;x&lt;/script&gt; \\| y z"
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, " ")
    .replace(ESCAPE_SEQUENCE, "")
    .replace(CONTROL, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .trim();
}

/**
 * Text for inside a markdown code span (`…`): entities are not decoded there, so only what could
 * end the span or break the line goes (backticks, line breaks, control characters).
 * @example markdownCode("v1.0.0`<b>`..HEAD") // "v1.0.0<b>..HEAD"
 */
export function markdownCode(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, " ")
    .replace(ESCAPE_SEQUENCE, "")
    .replace(CONTROL, "")
    .replace(/`/g, "")
    .trim();
}

const INPUT_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Input shown back in a message: control characters shown as "?", and cut to `max` characters
 * with its length said, so a 120 KB argument is not echoed whole.
 * @example shortenInput("x".repeat(1000), 10) // "xxxxxxxxx… (1000 characters)"
 */
export function shortenInput(text: string, max = 80): string {
  const clean = text.replace(INPUT_CONTROL, "?");
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}… (${text.length} characters)`;
}

/**
 * Input quoted in a message, shortened as {@link shortenInput} does.
 * @example `${quoteInput("1.2")} is not a release version.` // '"1.2" is not a release version.'
 */
export function quoteInput(text: string, max = 80): string {
  const clean = text.replace(INPUT_CONTROL, "?");
  return clean.length <= max ? `"${clean}"` : `"${clean.slice(0, max - 1)}…" (${text.length} characters)`;
}
