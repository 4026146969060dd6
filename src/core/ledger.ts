/**
 * The ledger of what runs where: a fold over the runs' states (each a fold over its own log), so
 * the logs stay the only source of truth. For each environment: the version running now, since
 * when, by which run, its commit and artifact digests, and its history. Pure.
 *
 * Rules:
 *  - A run's deployment (6.1 succeeded) makes its version current on its environment.
 *  - A rollback makes the version it restored current again (the one that ran there before, as
 *    the run recorded it); null when nothing ran there before.
 *  - Entries are ordered by time, ties by the run's request order, so two processes reading the
 *    same logs build the same ledger.
 */
import { stepResult } from "./step-results.js";
import type { ReleaseState } from "./release-state.js";
import { byCodeUnit } from "./text-order.js";

export type LedgerEventKind = "deployed" | "promoted" | "certified" | "rolled-back" | "aborted";

export interface LedgerEntry {
  at: string;
  kind: LedgerEventKind;
  version: string;
  release: string;
  /** For a rollback: the version restored (null: nothing ran there before). */
  to?: string | null;
  /** For a promotion: the run whose package was deployed. */
  from?: string;
  /** Who it was done for: the run's requester (deployed, promoted), the certifier, who asked for the rollback. */
  by?: string;
}

export interface LedgerArtifact {
  name: string;
  sha256: string;
}

export interface EnvironmentRecord {
  name: string;
  /** The version running now (null: brtops never deployed here, or it was rolled back to nothing). */
  version: string | null;
  commit: string | null;
  since: string | null;
  /** The run that put it there (null when a rollback restored a version brtops did not deploy). */
  release: string | null;
  /** The state of that run: certified, or still open, failed… */
  state: string | null;
  artifacts: LedgerArtifact[];
  history: LedgerEntry[];
}

export interface Ledger {
  environments: EnvironmentRecord[];
}

/** A certified release of the project: the version, the run, the commit it was released from. */
export interface CertifiedRelease {
  version: string;
  release: string;
  environment: string;
  commit: string | null;
  at: string;
}

/** The commit a run deployed: the approved package's, else what 6.1 recorded. */
export function commitOf(s: ReleaseState): string | null {
  if (s.package?.commit) return s.package.commit;
  return stepResult(s, "6.1")?.commit ?? null;
}

function artifactsOf(s: ReleaseState): LedgerArtifact[] {
  return (s.package?.artifacts ?? []).map((a) => ({ name: a.name, sha256: a.sha256 }));
}

function entriesOf(s: ReleaseState): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  const base = { version: s.version, release: s.release };
  const decidedBy = (...types: string[]) =>
    [...s.decisions]
      .reverse()
      .find(
        (d) =>
          types.includes(d.type) || (types.includes("rollback") && d.type === "incident" && d.choice === "rollback"),
      )?.actor.id;
  if (s.deployedAt)
    out.push({
      at: s.deployedAt,
      kind: s.promotion ? "promoted" : "deployed",
      ...base,
      ...(s.promotion ? { from: s.promotion.from } : {}),
      by: s.requestedBy.id,
    });
  if (s.certifiedAt)
    out.push({ at: s.certifiedAt, kind: "certified", ...base, by: decidedBy("certify") ?? s.requestedBy.id });
  if (s.rolledBackAt)
    out.push({
      at: s.rolledBackAt,
      kind: "rolled-back",
      ...base,
      to: s.rolledBackTo ?? null,
      by: decidedBy("rollback", "abort") ?? s.requestedBy.id,
    });
  if (s.aborted && s.finishedAt) out.push({ at: s.finishedAt, kind: "aborted", ...base });
  return out;
}

/** Builds the ledger. `environments`: configured names, listed even when nothing ran there. */
export function buildLedger(runs: readonly ReleaseState[], environments: readonly string[] = []): Ledger {
  const ordered = [...runs].sort(
    (a, b) => byCodeUnit(a.requestedAt, b.requestedAt) || byCodeUnit(a.release, b.release),
  );
  const rank = new Map(ordered.map((r, i) => [r.release, i]));
  const byRelease = new Map(ordered.map((r) => [r.release, r]));
  const names = [...new Set([...environments, ...ordered.map((r) => r.environment)])].sort();
  const records = names.map((name): EnvironmentRecord => {
    const history = ordered
      .filter((r) => r.environment === name)
      .flatMap(entriesOf)
      .sort((a, b) => byCodeUnit(a.at, b.at) || rank.get(a.release)! - rank.get(b.release)!);
    const rec: EnvironmentRecord = {
      name,
      version: null,
      commit: null,
      since: null,
      release: null,
      state: null,
      artifacts: [],
      history,
    };
    // Which run put each version here last: a rollback to it restores that run's commit and artifacts.
    const deployedBy = new Map<string, ReleaseState>();
    for (const e of history) {
      if (e.kind === "deployed" || e.kind === "promoted") {
        const run = byRelease.get(e.release)!;
        deployedBy.set(e.version, run);
        Object.assign(rec, {
          version: e.version,
          since: e.at,
          release: e.release,
          commit: commitOf(run),
          state: run.state,
          artifacts: artifactsOf(run),
        });
      } else if (e.kind === "rolled-back" && rec.release === e.release) {
        const to = e.to ?? null;
        const run = to === null ? undefined : deployedBy.get(to);
        Object.assign(rec, {
          version: to,
          since: e.at,
          release: run?.release ?? null,
          commit: run ? commitOf(run) : null,
          state: run?.state ?? null,
          artifacts: run ? artifactsOf(run) : [],
        });
      }
    }
    return rec;
  });
  return { environments: records };
}

/** The environment's record, or an empty one. */
export function environmentRecord(ledger: Ledger, name: string): EnvironmentRecord {
  return (
    ledger.environments.find((e) => e.name === name) ?? {
      name,
      version: null,
      commit: null,
      since: null,
      release: null,
      state: null,
      artifacts: [],
      history: [],
    }
  );
}

/**
 * Every version brtops certified, with the commit it was released from, oldest first. A version
 * rolled back after certification was still released: the next release goes above it.
 */
export function certifiedReleases(runs: readonly ReleaseState[]): CertifiedRelease[] {
  return runs
    .filter((r) => r.certifiedAt)
    .map((r) => ({
      version: r.version,
      release: r.release,
      environment: r.environment,
      commit: commitOf(r),
      at: r.certifiedAt!,
    }))
    .sort((a, b) => byCodeUnit(a.at, b.at));
}
