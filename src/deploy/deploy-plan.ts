/**
 * The deployment plan as data: the DAG of 6.1's sub-steps (the environment's deploy steps, then
 * the npm publish and its check when the target has npm, the image push and its tags when it has oci), each with a one-line description that
 * never runs anything. Shared by 4.3 (plan), 4.2 (rollback) and 6.1 (execution).
 */
import { stepActionKind, type DeployStep, type StepAction } from "../config/schema-environment.js";
import type { DagNode } from "./plan-dag.js";
import type { DeployTarget } from "./deploy-target.js";
import { shownText } from "./substitute.js";
import { appStorePlan } from "./app-store-plan.js";

export const NPM_PUBLISH = "npm-publish";
export const NPM_VERIFY = "npm-verify";
export const OCI_PUSH = "oci-push";
export const OCI_TAGS = "oci-tags";

export interface PlannedStep {
  name: string;
  kind: "run" | "http" | "wait" | "confirm" | "npm" | "oci" | "app-store";
  /** What it does, with the values it runs with ("./deploy.sh 2.1.0" for `./deploy.sh {version}`). */
  does: string;
  needs: string[];
  timeoutSec: number | null;
  idempotent: boolean;
  check: string | null;
  undo: string | null;
  /** The config step (null for built-in npm sub-steps). */
  config: DeployStep | null;
}

/** A one-line description of an action. Example: `describeAction({run: ["./deploy.sh", "{version}"]})` → `"./deploy.sh {version}"`. */
export function describeAction(a: StepAction): string {
  switch (stepActionKind(a)) {
    case "run":
      return a.run!.map((x) => (/\s/.test(x) ? JSON.stringify(x) : x)).join(" ");
    case "http":
      return `${a.http!.method ?? "GET"} ${a.http!.url}${a.http!.expectStatus !== undefined ? ` (expect ${[a.http!.expectStatus].flat().join("/")})` : ""}`;
    case "wait":
      return `wait ${a.wait} s`;
    case "confirm":
      return `${a.confirm!.role} confirms: ${a.confirm!.prompt}`;
  }
}

/** The sub-steps of 6.1 for a target, in config order. */
export function plannedSteps(t: DeployTarget): PlannedStep[] {
  const steps: PlannedStep[] = t.env.deploy.map((s) => ({
    name: s.name,
    kind: stepActionKind(s),
    does: shownText(describeAction(s), t.vars),
    needs: [...(s.needs ?? [])],
    timeoutSec: s.timeout ?? null,
    idempotent: s.idempotent === true,
    check: s.check ? shownText(s.check.join(" "), t.vars) : null,
    undo: s.undo ? shownText(describeAction(s.undo), t.vars) : null,
    config: s,
  }));
  const leaves = steps.filter((s) => !steps.some((o) => o.needs.includes(s.name))).map((s) => s.name);
  if (t.npm) {
    steps.push({
      name: NPM_PUBLISH,
      kind: "npm",
      does: `npm publish ${t.npm.package} to ${t.npm.registry}`,
      needs: leaves,
      timeoutSec: null,
      idempotent: true,
      check: "the version is on the registry with the same shasum",
      undo: t.npm.unpublishOnRollback
        ? "npm unpublish (else deprecate), dist-tags back to the previous version"
        : "dist-tags back to the previous version, npm deprecate",
      config: null,
    });
    steps.push({
      name: NPM_VERIFY,
      kind: "npm",
      does: `npm view <the package's name>@${t.vars.version} version`,
      needs: [NPM_PUBLISH],
      timeoutSec: null,
      idempotent: true,
      check: null,
      undo: null,
      config: null,
    });
  }
  if (t.oci) {
    const tags = t.oci.tags.join(", ");
    steps.push({
      name: OCI_PUSH,
      kind: "oci",
      does: `push the approved image (${t.oci.from}) to ${t.oci.image}`,
      needs: leaves,
      timeoutSec: null,
      idempotent: true,
      check: "each blob and manifest is on the registry (HEAD)",
      undo: null,
      config: null,
    });
    steps.push({
      name: OCI_TAGS,
      kind: "oci",
      does: `point ${tags} of ${t.oci.image} at the pushed manifest`,
      needs: [OCI_PUSH],
      timeoutSec: null,
      idempotent: true,
      check: "each tag resolves to the approved digest",
      undo: "moving tags (those without {version}) back to the previous version's digest, or removed when there was none",
      config: null,
    });
  }
  if (t.appStore) {
    // One chain after the configured steps: each App Store step needs the one before.
    let needs = leaves;
    for (const a of appStorePlan(t.appStore)) {
      steps.push({ ...a, kind: "app-store", needs, timeoutSec: null, config: null });
      needs = [a.name];
    }
  }
  return steps;
}

/** DAG nodes with expected durations where earlier runs give them. */
export function dagNodes(steps: readonly PlannedStep[], expected: Readonly<Record<string, number>> = {}): DagNode[] {
  return steps.map((s) => ({
    name: s.name,
    needs: s.needs,
    expectedMs: expected[s.name] ?? (s.config?.wait !== undefined ? s.config.wait * 1000 : undefined),
  }));
}
