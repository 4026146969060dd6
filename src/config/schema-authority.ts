/**
 * Config schema of `authority` (separation of duties) and `emergency` (Emergency Authority's
 * escalation). Both optional; the defaults are what a project that names neither gets.
 */
import { z } from "zod";

export const SELF_APPROVAL = ["never", "sole-hum-lead"] as const;

export const authorityConfigSchema = z
  .object({
    /**
     * May whoever requested a release approve it alone? `sole-hum-lead` (default): only when the
     * project names exactly one HUM LEAD, recorded as a self-approval; `never`: never. A gate that
     * needs two HUM LEADs (SEV-0) never counts the requester, whatever this says.
     */
    selfApproval: z
      .enum(SELF_APPROVAL)
      .default("sole-hum-lead")
      .describe(
        "May whoever requested a release approve it alone? sole-hum-lead (default): only when the project names exactly one HUM LEAD; never: never.",
      ),
    /**
     * Must a HUM LEAD's gate decision carry the person's signature (an SSH key of `leads.hum`, a
     * passkey of brtops.keys.json)? `true`: every gate; a SEV such as `SEV-1`: gates of releases at
     * that SEV or more severe (SEV-0 and SEV-1); `false` (default): signed when the person can.
     */
    requireSignatures: z
      .union([z.boolean(), z.string().regex(/^SEV-[0-5]$/i, 'true, false or a SEV such as "SEV-1"')])
      .default(false)
      .describe(
        'Must a HUM LEAD\'s gate decision be signed (SSH key or passkey)? true: every gate; "SEV-1": gates of releases at SEV-1 or more severe; false (default): signed when the person can.',
      ),
  })
  .strict();

/** "15m", "1h", "90s", "500ms", "1h30m" → milliseconds; null when it is not a duration. */
export function parseDurationMs(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+(ms|s|m|h))+$/.test(t)) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  let total = 0;
  for (const m of t.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2] as keyof typeof unit];
  return total;
}

const duration = z.string().refine((s) => parseDurationMs(s) !== null && parseDurationMs(s)! > 0, {
  message: 'a duration such as "15m", "1h" or "90s"',
});

export const emergencyConfigSchema = z
  .object({
    /**
     * When an incident waits this long with no HUM LEAD decision, the emergency contacts
     * (`leads.emergency`, else the HUM LEADs) are paged through the configured channels, once per
     * incident (an `Escalated` event). Checked by a running `brtops serve` on a timer, and by
     * `brtops escalate` when it is called.
     */
    escalateAfter: duration
      .optional()
      .describe(
        'When an incident waits this long ("15m", "1h") with no HUM LEAD decision, the emergency contacts are paged, once per incident.',
      ),
  })
  .strict();

export type AuthorityConfig = z.output<typeof authorityConfigSchema>;
export type EmergencyConfig = z.output<typeof emergencyConfigSchema>;
