/**
 * The output schemas of the MCP tools: what `structuredContent` holds (the SDK checks it against
 * them). Loose objects: they name the fields an agent relies on and let the rest through (the
 * status object is the one `brtops status --json` and the HTTP API give, and grows with them).
 */
import { z } from "zod";

const advice = z
  .looseObject({ action: z.string(), usagePercent: z.number() })
  .optional()
  .describe("Present when contextUsage was given: whether to DEFRAG or ORIENT now.");

export const StatusOut = z.looseObject({
  release: z.string().describe("the run id, e.g. 2.1.0 or 2.1.0@production"),
  version: z.string(),
  environment: z.string(),
  sev: z.string().nullable(),
  state: z
    .string()
    .describe("running, awaiting-hum-lead, paused, on-hold, rolling-back, rolled-back, aborted, failed, certified"),
  phase: z.number(),
  step: z.string(),
  gate: z.looseObject({ step: z.string(), round: z.string(), title: z.string() }).nullable(),
  openQuestions: z.array(z.looseObject({ id: z.string(), text: z.string() })),
  next: z.array(z.string()).describe("the commands a person would type next"),
  contextAdvice: advice,
});

export const DecisionOut = StatusOut.extend({
  recorded: z.boolean(),
  said: z.string().describe("what the action says when done"),
  then: z.string().nullable().optional().describe("the tool that carries it out, when one must"),
  dryRun: z.boolean().optional(),
});

export const AdvanceOut = StatusOut.extend({
  stopped: z.enum(["done", "awaiting", "failed", "limit"]).describe("why advancing stopped"),
});

export const ReleasesOut = z.looseObject({
  releases: z.array(
    z.looseObject({
      release: z.string(),
      version: z.string(),
      environment: z.string(),
      state: z.string(),
      phase: z.number(),
      step: z.string(),
      lastAt: z.string(),
    }),
  ),
  contextAdvice: advice,
});

export const EnvironmentsOut = z.looseObject({
  environments: z.array(z.looseObject({ name: z.string() })),
  contextAdvice: advice,
});

/** Any other view: an object (its fields are described by the tool). */
export const ViewOut = z.looseObject({ contextAdvice: advice });
