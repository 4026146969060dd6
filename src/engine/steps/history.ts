/**
 * The release's history as the steps of phases 1 and 2 see it: where its changes are counted from
 * (the base) and the one reading of base..head they all share (intel/release-history).
 *
 * The base: a release requested with a recorded base (`ReleaseRequested.data.base` present, null
 * for a first release) counts from that base's commit, else its tag — a certified release may have
 * no tag. Old logs without the field keep the tag-derived changelog base (intel/version-validate).
 *
 * The head: steps 1.4 and 2.1 read HEAD as it is when they run and record the commit (`head`);
 * 2.2 and 2.3 use the commit 2.1 recorded, so phase 2's results describe one range.
 */
import { BrtopsError } from "../../core/errors.js";
import type { ReleaseBase } from "../../core/events.js";
import {
  prefetchCommits,
  prefetchReleaseHistory,
  readReleaseHistory,
  type HistoryRange,
  type ReleaseHistory,
} from "../../intel/release-history.js";
import { changelogBase } from "../../intel/version-validate.js";
import { releasesFromTags, toSemver } from "../../intel/version-order.js";
import { stepResult } from "../../core/step-results.js";
import type { StepContext } from "../step-types.js";

export interface HistoryBase {
  /** The release carries its base (new logs); false: derived from the tags (old logs). */
  recorded: boolean;
  /** The commit-ish changes are counted from (a commit id or a tag), null for a first release. */
  ref: string | null;
  /** How documents name it: its tag, else "v{version}" for an untagged certified release. */
  name: string | null;
  /** How ranges show it: its tag, else a short commit id. */
  label: string | null;
  /** Normalised SemVer of the base ("1.1.0"), null for a first release. */
  semver: string | null;
  /** The recorded base (new logs), as ReleaseRequested carries it. */
  release: ReleaseBase | null;
}

type Ctx = Pick<StepContext, "root" | "git" | "state" | "events">;

/** The base recorded at request time; undefined for an old log that has none. */
export function recordedBase(ctx: Pick<StepContext, "events">): ReleaseBase | null | undefined {
  const requested = ctx.events.find((e) => e.type === "ReleaseRequested");
  return requested?.type === "ReleaseRequested" ? requested.data.base : undefined;
}

/** Where the release's changes are counted from (see the file comment). */
export async function historyBase(ctx: Ctx): Promise<HistoryBase> {
  const recorded = recordedBase(ctx);
  if (recorded === undefined) {
    const tagged = changelogBase(releasesFromTags(await ctx.git.tags()), ctx.state.version);
    return {
      recorded: false,
      ref: tagged?.tag ?? null,
      name: tagged?.tag ?? null,
      label: tagged?.tag ?? null,
      semver: tagged?.version ?? null,
      release: null,
    };
  }
  return recordedHistoryBase(ctx.state.base ?? recorded);
}

/** Where a release with a recorded base (as ReleaseRequested carries it) counts its changes from. */
export function recordedHistoryBase(b: ReleaseBase | null): HistoryBase {
  if (b === null) return { recorded: true, ref: null, name: null, label: null, semver: null, release: null };
  const ref = b.commit ?? b.tag;
  if (!ref) {
    throw new BrtopsError(
      "E_GIT",
      `The release's base v${b.version} names neither a commit nor a tag, so its changes cannot be counted.`,
      {
        hint: `Tag the commit v${b.version} was released from (git tag v${b.version} <commit>) and request the release again.`,
        details: { base: b },
      },
    );
  }
  return {
    recorded: true,
    ref,
    name: b.tag ?? `v${b.version}`,
    label: b.tag ?? ref.slice(0, 7),
    semver: toSemver(b.version),
    release: b,
  };
}

function rangeOf(base: HistoryBase, head?: string, baseCommit?: string): HistoryRange {
  return { base: baseCommit ?? base.ref, baseLabel: base.label, ...(head ? { head } : {}) };
}

/** The history from the base to `head` (default: HEAD now), shared by every step of this process that reads the same range. */
export async function releaseHistory(
  ctx: Ctx & Pick<StepContext, "signal">,
  options: { base?: HistoryBase; head?: string } = {},
): Promise<{ base: HistoryBase; history: ReleaseHistory }> {
  const base = options.base ?? (await historyBase(ctx));
  // Phase 2 after 2.1 reads the range 2.1 resolved (its base commit too, as its head), so its results describe one range.
  const analysed =
    options.head !== undefined && options.head === phase2Head(ctx) && base.ref !== null
      ? phase2BaseCommit(ctx)
      : undefined;
  const history = await readReleaseHistory(ctx.root, rangeOf(base, options.head, analysed), { signal: ctx.signal });
  return { base, history };
}

/** The head commit step 2.1 analysed (2.2 and 2.3 use the same), undefined before it ran. */
export function phase2Head(ctx: Pick<StepContext, "state">): string | undefined {
  const head = stepResult(ctx.state, "2.1")?.history?.head;
  return typeof head === "string" && head ? head : undefined;
}

/** The commit the base named when step 2.1 analysed the range, undefined before it ran (or for a first release). */
function phase2BaseCommit(ctx: Pick<StepContext, "state">): string | undefined {
  const commit = stepResult(ctx.state, "2.1")?.history["baseCommit"];
  return typeof commit === "string" && commit ? commit : undefined;
}

/**
 * Starts reading, in the background, the history a release with this recorded base will read (at
 * the request, before phase 1 starts); resolves once git was asked. Never rejects.
 */
export async function prefetchRecordedHistory(root: string, base: ReleaseBase | null): Promise<void> {
  try {
    await prefetchReleaseHistory(root, rangeOf(recordedHistoryBase(base)));
  } catch {
    // A base step 1.4 cannot read fails there, with its own message.
  }
}

/**
 * As prefetchRecordedHistory, for a base and head whose commits are known already (the tags'
 * commits and HEAD, read by the request's prefetch): started without resolving them again. Falls
 * back to prefetchRecordedHistory when the base's commit is not among them.
 */
export async function prefetchKnownHistory(
  root: string,
  base: ReleaseBase | null,
  known: { head: string | null; tagCommits: ReadonlyMap<string, string | null> },
): Promise<void> {
  try {
    const ref = recordedHistoryBase(base).ref;
    // A certified release's commit is its own id; a tag's is the one its listing gave.
    const baseCommit = ref === null ? null : (known.tagCommits.get(ref) ?? ref);
    if (known.head !== null && prefetchCommits(root, baseCommit, known.head)) return;
  } catch {
    // As below: the steps that read the range say what is wrong with it.
  }
  await prefetchRecordedHistory(root, base);
}

/** Starts reading the history in the background (step 1.1), so step 1.4 finds it read. */
export function prefetchHistory(ctx: Ctx): void {
  historyBase(ctx).then(
    (base) => void prefetchReleaseHistory(ctx.root, rangeOf(base)),
    () => undefined,
  );
}

/** A bounded record of the range the step analysed: the documents and a comparison with the release commit read it. */
export function historyRecord(base: HistoryBase, h: ReleaseHistory): Record<string, unknown> {
  return {
    range: h.range,
    base: base.name,
    baseCommit: h.baseCommit,
    head: h.head,
    source: base.recorded ? "recorded" : "tags",
  };
}
