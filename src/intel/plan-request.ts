/**
 * What a release request means, given every run so far and the tags (spec 1.1 + 2.1, and the
 * ledger): which version, a new release or a promotion of an approved package or another attempt,
 * the run's id, the version that ran on the environment before ({previous}), and the project's
 * previous release (the changelog base). Pure: the engine reads the runs and tags and appends.
 *
 * Rules, in order:
 *  1. One open release per environment: a request for an environment whose release is still open
 *     is refused (E_ENVIRONMENT_BUSY), naming it.
 *  2. A version with a run still open elsewhere is refused (E_RELEASE_EXISTS): finish it first.
 *  3. A version brtops certified is promoted: the same package, no rebuild; refused when it is
 *     what runs on that environment now.
 *  4. A version whose runs all ended without certification (aborted, rolled back) is tried again:
 *     a new attempt with its own log, the earlier ones linked.
 *  5. Otherwise the version must be above the project's previous release: the newest of the tags
 *     and the versions brtops certified.
 *  6. With `promotion: [staging, production]`, a version not certified on the environment before
 *     this one is refused (E_PROMOTION_ORDER) unless a HUM LEAD's override with a reason is given.
 */
import compare from "semver/functions/compare.js";
import { BrtopsError } from "../core/errors.js";
import type { PreviousSource, Promotion, ReleaseBase } from "../core/events.js";
import { buildLedger, certifiedReleases, environmentRecord, commitOf } from "../core/ledger.js";
import { releaseIdFor } from "../core/release-id.js";
import type { ReleaseState } from "../core/release-state.js";
import { TERMINAL_STATES } from "../core/release-state.js";
import { parseVersionOrThrow } from "../core/version-syntax.js";
import { mergeReleases, parseTagVersion, releasesFromTags, type TaggedRelease } from "./version-order.js";
import {
  VERSION_TYPES,
  changelogBase,
  resolveVersionType,
  validateRequestedVersion,
  type VersionType,
} from "./version-validate.js";
import { byCodeUnit } from "../core/text-order.js";

export interface RequestInput {
  /** A version ("2.1.0", "v1.1.005") or a type ("major", "minor", "patch"). */
  requested: string;
  environment: string;
  runs: readonly ReleaseState[];
  tags: readonly string[];
  /** The configured promotion order, e.g. ["staging", "production"]. */
  promotionOrder?: readonly string[];
  /** A HUM LEAD's override of the promotion order (checked for authority by the caller). */
  override?: { by: string; reason: string };
}

export interface RequestPlan {
  release: string;
  version: string;
  versionType?: VersionType;
  previous: string | null;
  previousSource: PreviousSource;
  base: ReleaseBase | null;
  promotion?: Promotion;
  attempt: number;
  earlier: string[];
  kind: "new" | "promotion" | "attempt";
}

const TYPES = new Set<string>(VERSION_TYPES);
const open = (r: ReleaseState): boolean => !TERMINAL_STATES.includes(r.state);
const sameVersion = (a: string, b: string): boolean => parseTagVersion(a)?.semver === parseTagVersion(b)?.semver;

/** Plans a request. Throws BrtopsError for every refusal (see the rules above). */
export function planReleaseRequest(input: RequestInput): RequestPlan {
  const { environment, runs } = input;
  const busy = runs.filter((r) => r.environment === environment && open(r));
  if (busy.length > 0) {
    const b = busy[0]!;
    throw new BrtopsError(
      "E_ENVIRONMENT_BUSY",
      `Release ${b.release} (v${b.version}) is still open on ${environment} (state ${b.state}, step ${b.step}): one release per environment at a time.`,
      {
        hint: `Finish it (\`brtops status --release ${b.release}\`, \`brtops run --release ${b.release}\`) or abort it (\`brtops abort --release ${b.release}\`), then request again.`,
        details: { environment, open: busy.map((r) => r.release) },
      },
    );
  }
  const certified = certifiedReleases(runs);
  const tagged = releasesFromTags(input.tags);
  const known = mergeReleases(tagged, certified);
  const typed = input.requested.trim().toLowerCase();
  const versionType = TYPES.has(typed) ? (typed as VersionType) : undefined;
  const version = versionType
    ? resolveVersionType(versionType, known.at(-1)?.written ?? null)
    : parseVersionOrThrow(input.requested);
  const ledger = buildLedger(runs);
  const here = environmentRecord(ledger, environment);
  const ofVersion = runs
    .filter((r) => sameVersion(r.version, version))
    .sort((a, b) => byCodeUnit(a.requestedAt, b.requestedAt));
  const elsewhereOpen = ofVersion.filter(open);
  if (elsewhereOpen.length > 0) {
    const o = elsewhereOpen[0]!;
    throw new BrtopsError(
      "E_RELEASE_EXISTS",
      `v${version} is still open on ${o.environment} as release ${o.release} (state ${o.state}): its package is not approved and certified yet.`,
      {
        hint: `Take it to certification first (\`brtops run --release ${o.release}\`), then promote it with \`brtops release ${version} --to ${environment}\`; or abort it.`,
        details: { release: o.release, environment: o.environment },
      },
    );
  }
  const attemptsHere = ofVersion.filter((r) => r.environment === environment);
  const attempt = attemptsHere.length + 1;
  const earlier = attemptsHere.map((r) => r.release);
  const release = releaseIdFor(version, environment, attempt, ofVersion.length === 0);
  const source = [...ofVersion].reverse().find((r) => r.certifiedAt);
  checkPromotionOrder(input, version, ofVersion);

  if (source) {
    if (here.version !== null && sameVersion(here.version, version)) {
      throw new BrtopsError(
        "E_RELEASE_EXISTS",
        `v${version} already runs on ${environment} (release ${here.release}, since ${here.since}).`,
        {
          hint: `Release a newer version, or look at it with \`brtops environments\`.`,
          details: { environment, release: here.release },
        },
      );
    }
    const pkg = source.package ?? { commit: commitOf(source) ?? "", artifacts: [] };
    const promotion: Promotion = {
      from: source.release,
      environment: source.environment,
      package: pkg,
      ...(input.override ? { override: input.override } : {}),
    };
    return {
      release,
      version: source.version,
      ...(versionType ? { versionType } : {}),
      ...previousOn(here, version, tagged),
      base: source.base,
      promotion,
      attempt,
      earlier,
      kind: "promotion",
    };
  }

  // A new version, or another attempt of one that never reached certification: either way it must
  // be above every release of the project (its own earlier tags do not count against it).
  const others = ofVersion.length > 0 ? known.filter((r) => !sameVersion(r.version, version)) : known;
  const check = validateRequestedVersion(version, input.tags, others);
  return {
    release,
    version: check.version,
    ...(versionType ? { versionType } : {}),
    ...previousOn(here, check.version, tagged),
    base: baseOf(changelogBase(others, check.version)),
    attempt,
    earlier,
    kind: ofVersion.length > 0 ? "attempt" : "new",
  };
}

function checkPromotionOrder(input: RequestInput, version: string, ofVersion: readonly ReleaseState[]): void {
  const order = input.promotionOrder ?? [];
  const i = order.indexOf(input.environment);
  if (i <= 0) return;
  const before = order[i - 1]!;
  if (ofVersion.some((r) => r.environment === before && r.certifiedAt)) return;
  if (input.override) return;
  throw new BrtopsError(
    "E_PROMOTION_ORDER",
    `v${version} was not certified on ${before}, which comes before ${input.environment} in the promotion order (${order.join(" → ")}).`,
    {
      hint: `Release it to ${before} first (\`brtops release ${version} --to ${before}\`), or, as a HUM LEAD, override with a reason: \`brtops release ${version} --to ${input.environment} --override-promotion "why"\`.`,
      details: { environment: input.environment, requires: before, order: [...order] },
    },
  );
}

/** {previous}: what the ledger says ran there before; else the newest tag below the release, said so. */
function previousOn(
  here: ReturnType<typeof environmentRecord>,
  version: string,
  tagged: readonly TaggedRelease[],
): { previous: string | null; previousSource: PreviousSource } {
  if (here.history.some((h) => h.kind === "deployed" || h.kind === "promoted"))
    return { previous: here.version, previousSource: "ledger" };
  const v = parseTagVersion(version);
  const below = v ? tagged.filter((t) => compare(t.version, v.semver) < 0).at(-1) : undefined;
  return below ? { previous: below.written, previousSource: "tag" } : { previous: null, previousSource: "none" };
}

function baseOf(r: TaggedRelease | null): ReleaseBase | null {
  if (!r) return null;
  return {
    version: r.written,
    commit: r.certified?.commit ?? null,
    tag: r.untagged ? null : r.tag,
    source: r.certified ? "certified" : "tag",
  };
}
