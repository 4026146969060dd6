/**
 * Config schema of `authority`: the policy of decisions. Optional; the defaults are what a project
 * that names none gets.
 */
import { z } from "zod";

export const authorityConfigSchema = z
  .object({
    /**
     * Must a HUM LEAD's gate decision carry the person's signature (an SSH key of `leads.hum`, a
     * passkey of brtops.keys.json)? `true`: every gate; a SEV such as `SEV-1`: gates of releases at
     * that SEV or more severe (SEV-0 and SEV-1); `false` (default): signed when the person can.
     */
    requireSignatures: z.union([z.boolean(), z.string().regex(/^SEV-[0-5]$/i, 'true, false or a SEV such as "SEV-1"')]).default(false),
  })
  .strict();

export type AuthorityConfig = z.output<typeof authorityConfigSchema>;
