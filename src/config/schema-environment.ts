/** Config schema of environments: deploy, health and rollback steps (extended by the deployment work). */
import { z } from "zod";

const argv = z.array(z.string().min(1)).min(1, "run must be an argument array with at least the program");

export const commandStepSchema = z
  .object({
    name: z.string().min(1),
    /** An argument array, never a shell string. `{version}` and `{previous}` are substituted. */
    run: argv,
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    /** Seconds before the command is stopped and counted as failed. */
    timeout: z.number().positive().optional(),
    /** Steps this one waits for (a DAG). */
    needs: z.array(z.string()).optional(),
    /** A command that exits 0 when this step's effect is already in place (crash recovery adopts it). */
    check: argv.optional(),
    /** The step may be re-run after a crash without harm. */
    idempotent: z.boolean().optional(),
  })
  .strict();

export const environmentSchema = z
  .object({
    aliases: z.array(z.string().min(1)).default([]),
    description: z.string().optional(),
    deploy: z.array(commandStepSchema).default([]),
    health: z.array(commandStepSchema).default([]),
    rollback: z.array(commandStepSchema).default([]),
    /** What a failing deploy or health step does: roll back on its own, or ask the HUM LEAD. */
    onFailure: z.enum(["rollback", "ask"]).default("ask"),
    /** Deploy steps run in parallel up to this many at once. */
    concurrency: z.number().int().positive().default(4),
  })
  .strict();

export type CommandStep = z.infer<typeof commandStepSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
