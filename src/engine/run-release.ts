/**
 * Advances a release as far as it can go: decide the next action from the folded state, carry it
 * out, record it, repeat — until a person must decide, the release ends, or a step fails.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { BrtopsError } from "../core/errors.js";
import type { Actor, AnyDraft, AnyEvent, Sev } from "../core/events.js";
import { mainStep, phaseOf, stepAfter } from "../core/fold.js";
import { roundId } from "../core/gate-round.js";
import { nextAction, type NextAction } from "../core/next-action.js";
import { phaseFindings, renderPhaseReport } from "../core/render/gate-report.js";
import { approvalsRequired, phaseDef, phasesForSev, sevLabel, stepDef } from "../core/workflow.js";
import { FileStore } from "../store/store-file.js";
import { tryLock, unlock, readHolder, lockAge } from "../store/file-lock.js";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { createStepContext, EffectFailed, InterruptedEffect } from "./step-context.js";
import { abandonedProcesses, stopProcesses } from "./effect-processes.js";
import { executorFor } from "./steps/index.js";
import type { ProgressEvent, StepOutcome } from "./step-types.js";
import { outcomeDrafts } from "../core/step-outcome.js";
import { composeVersionDocuments, renderPhaseDocuments, withDocumentsLock, writeDocs } from "./write-documents.js";
import { writeRecordDocuments } from "./record-documents.js";
import { createEventNotifier } from "./notify-events.js";
import { measureDrift, readFingerprint } from "./scope-drift.js";
import { assessSev } from "../intel/assess-sev.js";
import { intelSettings } from "../config/schema-intel.js";
import type { ReleaseState } from "../core/release-state.js";
import { hasLeases } from "../store/postgres/leases.js";
import { createStepLeases, leaseTtl, type StepLeases } from "./step-lease.js";

const MAX_TRIES_PER_RUN = 5;

export interface RunOptions {
  progress?: (p: ProgressEvent) => void;
  onEvents?: (events: AnyEvent[]) => void;
  signal?: AbortSignal;
  /** Stop after this many actions (tests and step-by-step use). */
  maxActions?: number;
  /**
   * Asked before each action: true ends the run between two steps ("limit"), leases given up — a
   * server shutting down lets the step in hand finish rather than cutting it off mid-effect.
   */
  stopRequested?: () => boolean;
}

export interface RunOutcome {
  /** Why the run stopped. */
  stopped: "done" | "awaiting" | "failed" | "limit";
  action: NextAction;
}

export async function runRelease(
  project: Project,
  session: ReleaseSession,
  actor: Actor,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const release = session.release;
  // One runner per release: a second `brtops run` waits for nobody and says who is running.
  let lockPath: string | null = null;
  if (project.store instanceof FileStore) {
    mkdirSync(join(project.store.dir, release), { recursive: true });
    lockPath = join(project.store.dir, release, "run.lock");
    if (!tryLock(lockPath, "run")) {
      const h = readHolder(lockPath);
      throw new BrtopsError(
        "E_LOCKED",
        `Another brtops run is advancing release ${release}${h ? ` (process ${h.pid} on ${h.host} since ${h.since}, ${lockAge(h.since)} ago)` : ""}.`,
        {
          hint: "Wait for it, or follow it with `brtops status`.",
        },
      );
    }
  }
  const progress = options.progress ?? (() => undefined);
  // Programs of an effect that a HUM LEAD's guidance gave up on (rollback, continue) are stopped first.
  const abandoned = abandonedProcesses(session.events);
  for (const a of abandoned)
    progress({
      kind: "effect",
      step: a.process.step,
      message: `stopping process ${a.process.pid} (${a.process.argv0}): the HUM LEAD chose ${a.choice}`,
      status: "skip",
    });
  if (abandoned.length) await stopProcesses(abandoned.map((a) => a.process));
  const controller = new AbortController();
  options.signal?.addEventListener("abort", () => controller.abort(), { once: true });
  // On a team store each step is claimed with a lease, so several runners can follow one release.
  const leases: StepLeases | null = hasLeases(project.store)
    ? createStepLeases(project.store, release, actor.id, leaseTtl(project.env), (step) => {
        progress({
          kind: "step",
          step,
          message: "lost the lease on this step: stopping, another runner may take it over",
          status: "fail",
        });
        controller.abort();
      })
    : null;
  if (leases) session.beforeAppend = () => leases.assertHeld();
  let waitingFor: string | null = null;
  let actions = 0;
  const tries = new Map<string, number>();
  const notifier = createEventNotifier(project, session);
  // Facts about work done survive a concurrent append (they are re-appended after it); decisions
  // the runner takes from the state it read (auto-approve, finish an abort, open an incident) are
  // taken again from the new state instead.
  const publish = async (stored: AnyEvent[]): Promise<void> => {
    options.onEvents?.(stored);
    await notifier(stored);
  };
  const write = async (drafts: AnyDraft[], fact: boolean): Promise<void> => {
    const redacted = (await withScope(project, session.state.version, drafts)).map((d) => project.redact.deep(d));
    const stored = fact ? await session.appendFact(redacted) : await session.append(redacted);
    await publish(stored);
    // An incident, a rollback, an abort: the documents it concerns are written now (a record write).
    await writeRecordDocuments(project, session, stored, actor, async (d) => publish(await session.appendFact(d)));
  };
  const record = (drafts: AnyDraft[]): Promise<void> => write(drafts, true);
  const decide = (drafts: AnyDraft[]): Promise<void> => write(drafts, false);
  // The runner's own decisions are anchored outside the log like a person's (refs/brtops/<release>).
  const anchorHead = (): Promise<void> =>
    project.store.anchors?.write(session.release, { seq: session.state.lastSeq, hash: session.state.lastHash }) ??
    Promise.resolve();
  // Written in front of the next append (ReleaseSession.defer), published once durable.
  const defer = (drafts: AnyDraft[]): void =>
    session.defer(
      drafts.map((d) => project.redact.deep(d)),
      publish,
    );
  try {
    for (;;) {
      // A step that stopped on an error before writing anything is run again from its start.
      session.dropDeferred();
      await session.refresh();
      let s = session.state;
      let action = nextAction(s);
      if ((options.maxActions !== undefined && actions >= options.maxActions) || options.stopRequested?.())
        return { stopped: "limit", action };
      const key = leaseKey(action);
      if (leases && key) {
        const claim = await leases.claim(key);
        if (!claim.ok) {
          if (waitingFor !== key)
            progress({
              kind: "step",
              step: key,
              message: `waiting: ${claim.holder} is running this step${claim.expiresAt ? ` (lease until ${claim.expiresAt})` : ""}`,
              status: "skip",
            });
          waitingFor = key;
          if (!(await sleep(Math.min(1000, Math.floor(leases.ttlMs / 3)), controller.signal)))
            return { stopped: "limit", action };
          continue;
        }
        waitingFor = null;
        // The release may have moved while we waited for the lease: act on what is there now.
        await session.refresh();
        s = session.state;
        const again = nextAction(s);
        if (leaseKey(again) !== key) {
          await leases.release();
          continue;
        }
        action = again;
      }
      actions += 1;
      try {
        switch (action.type) {
          case "done":
            return { stopped: "done", action };
          case "await":
            if (action.reason === "paused" && s.steps[s.step]?.status !== "started") {
              const last = session.events.at(-1);
              if (last?.type !== "PauseReached")
                await decide([{ type: "PauseReached", at: project.now(), actor, data: { step: s.step } }]);
            }
            return { stopped: "awaiting", action };
          case "auto-approve": {
            const g = s.gate!;
            await decide([
              {
                type: "GateApproved",
                at: project.now(),
                actor: { id: action.grantedBy, role: "hum-lead" },
                data: {
                  phase: g.phase,
                  step: g.step,
                  round: { id: roundId(g.step, g.round), hash: g.roundHash },
                  authority: "auto-proceed",
                  grantedBy: action.grantedBy,
                  final: true,
                  note: "approved on the GO RELEASE grant: the assessment has no finding",
                  fingerprint: await readFingerprint(project, s.version),
                  head: { seq: s.lastSeq, hash: s.lastHash },
                },
              },
            ]);
            await anchorHead();
            progress({
              kind: "step",
              step: g.step,
              message: `auto-approved on ${action.grantedBy}'s GO RELEASE grant`,
              status: "ok",
            });
            break;
          }
          case "rollback": {
            progress({ kind: "step", step: "6.7", message: "rolling back", status: "start" });
            const ctx = createStepContext({
              project,
              session,
              actor,
              step: "6.7",
              progress,
              signal: controller.signal,
            });
            // The deployment phases' code loads when first needed (./steps/index.ts).
            const r = await (await import("./steps/rollback.js")).rollbackDeployment(ctx);
            const drafts: AnyDraft[] = [
              { type: "RollbackCompleted", at: project.now(), actor, data: { steps: r.steps, to: r.to } },
            ];
            if (session.state.abortRequested) drafts.push({ type: "Aborted", at: project.now(), actor, data: {} });
            await record(drafts);
            progress({
              kind: "step",
              step: "6.7",
              message: `rolled back ${r.steps.length} step(s)${r.to ? ` to v${r.to}` : ""}`,
              status: "ok",
            });
            break;
          }
          case "finish-abort":
            await decide([{ type: "Aborted", at: project.now(), actor, data: {} }]);
            break;
          case "open-incident": {
            const step = mainStep(action.step);
            const env = project.config.environments[s.environment];
            const drafts: AnyDraft[] = [
              { type: "IncidentOpened", at: project.now(), actor, data: { step, error: action.error } },
            ];
            // The environment may say to roll back on its own (6.11) rather than ask (6.6).
            if (phaseOf(step) >= 6 && env?.onFailure === "rollback" && s.deployed) {
              drafts.push({
                type: "IncidentGuidance",
                at: project.now(),
                actor: { id: "brtops", role: "system" },
                data: { step, choice: "rollback", note: "onFailure: rollback (automatic)" },
              });
            }
            await decide(drafts);
            if (drafts.length === 1) return { stopped: "failed", action };
            break;
          }
          case "recover":
          case "run": {
            const step = action.type === "recover" ? mainStep(action.step) : action.step;
            // A step taken up again and again without the log moving past it is a bug or a stuck
            // world: hand it to the HUM LEAD instead of spinning.
            tries.set(step, (tries.get(step) ?? 0) + 1);
            if (tries.get(step)! > MAX_TRIES_PER_RUN) {
              await decide([
                {
                  type: "IncidentOpened",
                  at: project.now(),
                  actor,
                  data: {
                    step,
                    error: {
                      code: "E_NO_PROGRESS",
                      message: `step ${step} was taken up ${MAX_TRIES_PER_RUN} times in one run without finishing`,
                    },
                  },
                },
              ]);
              return { stopped: "failed", action };
            }
            const outcome = await runStep(
              project,
              session,
              actor,
              step,
              action.type === "recover",
              progress,
              controller.signal,
              record,
              defer,
            );
            if (outcome === "failed") continue; // the loop opens the incident
            break;
          }
        }
      } catch (e) {
        // Someone appended while this runner decided: read again and decide on what is there now.
        if (e instanceof BrtopsError && e.code === "E_CONFLICT") continue;
        throw e;
      }
    }
  } finally {
    session.dropDeferred();
    if (lockPath) unlock(lockPath);
    if (leases) {
      session.beforeAppend = undefined;
      await leases.release();
    }
  }
}

/**
 * The SEV assessed again on the files a deviation changed: when they call for a higher SEV than the
 * release has (infrastructure or security paths), a SevAssessed raising it — and a deviation note
 * naming the phases the new SEV needs that this pass did not run — are recorded.
 */
function sevRaisedBy(project: Project, s: ReleaseState, paths: readonly string[]): AnyDraft[] | null {
  if (s.sev === null || paths.length === 0) return null;
  const a = assessSev({ features: [], changedPaths: paths, settings: intelSettings(project.config).sev });
  const raising = a.factors.filter((f) => f.factor !== "default" && f.sev !== undefined && f.sev < s.sev!);
  if (raising.length === 0) return null;
  const sev = Math.min(...raising.map((f) => f.sev!)) as Sev;
  const phases = phasesForSev(sev);
  const missed = phases.filter((p) => p < s.phase && !s.plan.includes(p));
  const system = { id: "brtops", role: "system" } as const;
  const why = raising.map((f) => f.effect).join("; ");
  return [
    {
      type: "SevAssessed",
      at: project.now(),
      actor: system,
      data: {
        sev,
        phases,
        factors: [
          ...s.sevFactors,
          { factor: "scope deviation", effect: `${sevLabel(s.sev)} → ${sevLabel(sev)}: ${why}`, sev },
        ],
      },
    },
    {
      type: "Note",
      at: project.now(),
      actor: system,
      data: {
        kind: "deviation",
        text: `The deviation raises the release from ${sevLabel(s.sev)} to ${sevLabel(sev)} (${why}).${missed.length ? ` Phase(s) ${missed.join(", ")} that ${sevLabel(sev)} requires did not run in this pass: reject to phase ${missed[0]} to run them, or approve with a waiver.` : ""}`,
        data: { class: "SEV", sevRaised: true, from: s.sev, to: sev, missed },
      },
    },
  ];
}

/**
 * Every report a person is asked to decide on is bound to the scope it was made on (the gate's
 * fingerprint): an approval is refused once the project moved from it (decisions.ts).
 */
async function withScope(project: Project, version: string, drafts: AnyDraft[]): Promise<AnyDraft[]> {
  if (!drafts.some((d) => d.type === "GateOpened" && !d.data.fingerprint)) return drafts;
  const fingerprint = await readFingerprint(project, version);
  return drafts.map((d) =>
    d.type === "GateOpened" && !d.data.fingerprint ? { ...d, data: { ...d.data, fingerprint } } : d,
  );
}

/** The step a runner must hold the lease of to carry `a` out (null: a plain conditional append). */
function leaseKey(a: NextAction): string | null {
  if (a.type === "rollback") return "rollback";
  if (a.type === "recover") return mainStep(a.step);
  if (a.type === "run") return a.step;
  return null;
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** 7.10: the environment checked again (health, running version), recorded as the sub-step 7.10:environment. */
async function recheckBeforeCertification(
  project: Project,
  session: ReleaseSession,
  actor: Actor,
  progress: (p: ProgressEvent) => void,
  signal: AbortSignal,
  record: (d: AnyDraft[]) => Promise<void>,
) {
  const { RECHECK_STEP: step, recheckEnvironment } = await import("../deploy/recheck-environment.js");
  const title = "Environment checked again before certification";
  let outcome: StepOutcome;
  try {
    outcome = await recheckEnvironment(createStepContext({ project, session, actor, step, progress, signal }));
  } catch (e) {
    const message = project.redact(e instanceof Error ? e.message : String(e));
    outcome = {
      result: {
        summary: `could not check the environment again: ${message}`,
        findings: [{ severity: "warning", code: "RECHECK_FAILED", message, source: "7.10" }],
      },
    };
  }
  const s = session.state;
  const d = outcomeDrafts({ step, phase: 7, title, outcome, at: project.now(), actor, sev: s.sev, next: null });
  await record([
    {
      type: "StepStarted",
      at: project.now(),
      actor,
      data: { step, attempt: (s.steps[step]?.attempt ?? 0) + 1, label: title },
    },
    ...d.drafts,
  ]);
  progress({
    kind: "step",
    step,
    message: d.message,
    status: d.status === "failed" ? "fail" : "ok",
    ...(d.verdict ? { verdict: d.verdict } : {}),
  });
  return session.state;
}

async function runStep(
  project: Project,
  session: ReleaseSession,
  actor: Actor,
  step: string,
  recovering: boolean,
  progress: (p: ProgressEvent) => void,
  signal: AbortSignal,
  record: (d: AnyDraft[]) => Promise<void>,
  defer: (d: AnyDraft[]) => void,
): Promise<"ok" | "failed" | "stopped"> {
  const s = session.state;
  const now = project.now;
  const phase = phaseOf(step);
  const def = phaseDef(phase);
  const title = stepDef(step)?.title ?? step;

  // Scope drift since the last approval, before each later gate and before deployment.
  if ((def.gate && step === def.gate.step) || (step === "6.1" && !s.steps["6.1"])) {
    const drift = await measureDrift(project, session.events, s.version);
    if (drift && drift.class !== "NONE") {
      // A change can raise the SEV (infrastructure or security paths): assessed again, recorded.
      const raise = sevRaisedBy(
        project,
        s,
        drift.changes.files.map((f) => f.path),
      );
      if (raise) await record(raise);
      const summary = `Scope deviation since the last approval: ${drift.percent}% system impact (${drift.class}). ${drift.summary}`;
      const data = {
        percent: drift.percent,
        class: drift.class,
        byCategory: drift.byCategory,
        files: drift.changes.files.slice(0, 50),
      } as Record<string, unknown>;
      if (drift.class === "MINOR") {
        await record([{ type: "Note", at: now(), actor, data: { kind: "deviation", text: summary, data } }]);
      } else if (drift.class === "MODERATE") {
        const files = drift.changes.files
          .slice(0, 20)
          .map((f) => `  - ${f.change} ${f.path} (${f.category})`)
          .join("\n");
        await record([
          { type: "Note", at: now(), actor, data: { kind: "deviation", text: summary, data } },
          {
            type: "GateOpened",
            at: now(),
            actor,
            data: {
              phase,
              step,
              kind: "deviation",
              title: `Approve a MODERATE scope deviation before ${step}`,
              report: `${summary}\n\nChanged:\n${files}`,
              findings: [{ severity: "warning", code: "SCOPE_DEVIATION_MODERATE", message: summary }],
              requiredApprovals: approvalsRequired(s.sev),
              onApprove: step,
            },
          },
        ]);
        progress({
          kind: "step",
          step,
          message: `waiting for a HUM LEAD: scope deviation ${drift.percent}%`,
          status: "start",
        });
        return "ok";
      } else {
        await record([
          {
            type: "Note",
            at: now(),
            actor,
            data: {
              kind: "hold",
              text: `Deployment hold: ${summary} Escalated to the HUM LEADs; resume with \`brtops resume\` once reviewed.`,
              data,
            },
          },
        ]);
        progress({ kind: "step", step, message: `ON HOLD: scope deviation ${drift.percent}% (MAJOR)`, status: "fail" });
        return "stopped";
      }
    }
  }

  // The phase gate: compose the report and wait for the HUM LEAD (steps x.6–x.10).
  if (def.gate && step === def.gate.step) {
    // Certification vouches for what runs now: look at the environment again first (7.10).
    const s =
      def.gate.kind === "certification"
        ? await recheckBeforeCertification(project, session, actor, progress, signal, record)
        : session.state;
    const findings = phaseFindings(s, phase);
    const onApprove = def.after[0] ?? stepAfter(s.plan, step) ?? step;
    await record([
      {
        type: "GateOpened",
        at: now(),
        actor,
        data: {
          phase,
          step,
          kind: def.gate.kind,
          title: `${title}`,
          report: renderPhaseReport(s, phase),
          findings,
          requiredApprovals: approvalsRequired(s.sev),
          onApprove,
        },
      },
    ]);
    progress({ kind: "step", step, message: `waiting for a HUM LEAD: ${title}`, status: "start" });
    return "ok";
  }

  // Document steps (x.11, 5.12, 7.11): written from the log up to the phase's approval.
  if (def.after.includes(step) && step !== "7.12") {
    const approvalSeq = s.approvedAt[phase];
    if (approvalSeq === undefined) throw new BrtopsError("E_INTERNAL", `phase ${phase} documents without an approval`);
    const docs = renderPhaseDocuments(session.events, phase, approvalSeq, project.redact);
    // The files hold every run of the version (staging, production, a new attempt): this run's
    // section is composed with the others', each rendered from its own log, so none is lost. The
    // sha256 recorded is this run's own rendering, which another run's section never changes.
    // Under the version's documents lock until DocumentsWritten is in the log: a run of the same
    // version writing at the same moment composes after it and keeps its section.
    await withDocumentsLock(project.store, s.version, async () => {
      const { documents } = await composeVersionDocuments(project.store, s.version, project.redact, {
        own: { release: session.release, events: session.events, writing: docs },
        names: docs.map((d) => d.name),
      });
      writeDocs(project.releaseDir(s.version), documents, project.root);
      await record([
        { type: "StepStarted", at: now(), actor, data: { step, attempt: 1 } },
        {
          type: "DocumentsWritten",
          at: now(),
          actor,
          data: { phase, files: docs.map((d) => ({ name: d.name, sha256: d.sha256 })) },
        },
        {
          type: "StepSucceeded",
          at: now(),
          actor,
          data: { step, result: { summary: docs.map((d) => d.name).join(", "), files: docs.map((d) => d.name) } },
        },
      ]);
    });
    progress({ kind: "step", step, message: `wrote ${docs.map((d) => d.name).join(", ")}`, status: "ok" });
    return "ok";
  }

  if (step === "7.12") {
    await record([
      { type: "StepStarted", at: now(), actor, data: { step, attempt: 1 } },
      { type: "StepSucceeded", at: now(), actor, data: { step, result: { summary: "COMPLETE and CERTIFIED" } } },
      { type: "Certified", at: now(), actor, data: {} },
    ]);
    await project.store.anchors?.write(session.release, { seq: session.state.lastSeq, hash: session.state.lastHash });
    progress({ kind: "step", step, message: `v${s.version} is COMPLETE and CERTIFIED`, status: "ok" });
    return "ok";
  }

  const exec = await executorFor(step);
  const attempt = (s.steps[step]?.attempt ?? 0) + 1;
  if (!recovering || s.steps[step]?.status !== "started") {
    const started: AnyDraft[] = [{ type: "StepStarted", at: now(), actor, data: { step, attempt, label: title } }];
    // Phases 1 and 2 (but the build, 2.4, which may take long): the StepStarted goes to disk with the
    // step's first write — its first effect or its outcome — one append and one fsync instead of two.
    if (phase <= 2 && step !== "2.4") defer(started);
    else await record(started);
  }
  progress({ kind: "step", step, message: title, status: "start" });
  let outcome: StepOutcome;
  try {
    outcome = exec
      ? await exec(createStepContext({ project, session, actor, step, progress, signal }))
      : { result: { summary: "recorded" } };
  } catch (e) {
    if (e instanceof InterruptedEffect) {
      await record([
        {
          type: "IncidentOpened",
          at: now(),
          actor,
          data: { step: e.step, error: { code: "E_INTERRUPTED", message: e.message }, interrupted: true },
        },
      ]);
      progress({ kind: "step", step, message: e.message, status: "fail" });
      return "stopped";
    }
    const code = e instanceof EffectFailed ? e.code : e instanceof BrtopsError ? String(e.code) : "E_STEP_FAILED";
    const message = project.redact(e instanceof Error ? e.message : String(e));
    outcome = { failure: { code, message } };
  }
  // What the outcome means and which events record it is decided in core (a pure rule).
  const d = outcomeDrafts({ step, phase, title, outcome, at: now(), actor, sev: s.sev, next: stepAfter(s.plan, step) });
  if (d.drafts.length) await record(d.drafts);
  else await session.flushDeferred();
  const status =
    d.status === "failed"
      ? "fail"
      : d.status === "stopped"
        ? "skip"
        : outcome.gate
          ? "start"
          : outcome.skipped !== undefined
            ? "skip"
            : "ok";
  progress({
    kind: "step",
    step,
    message: d.message,
    status,
    ...(d.verdict && !(outcome.gate && outcome.gate.kind !== "readiness") ? { verdict: d.verdict } : {}),
  });
  return d.status;
}
