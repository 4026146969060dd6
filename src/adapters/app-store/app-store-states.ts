/**
 * What the states App Store Connect reports mean for a release. Pure. A version's state is
 * `appVersionState` (current API) or `appStoreState` (older, still sent); both vocabularies are known.
 */

/** Approved by App Review: on sale, about to be, or waiting only for the developer's release. */
const APPROVED = new Set([
  "ACCEPTED",
  "PENDING_DEVELOPER_RELEASE",
  "PENDING_APPLE_RELEASE",
  "PROCESSING_FOR_APP_STORE",
  "PROCESSING_FOR_DISTRIBUTION",
  "READY_FOR_SALE",
  "READY_FOR_DISTRIBUTION",
  "PREORDER_READY_FOR_SALE",
]);
/** Refused: by App Review, or withdrawn by the developer. */
const REJECTED = new Set(["REJECTED", "METADATA_REJECTED", "INVALID_BINARY", "DEVELOPER_REJECTED"]);
/** Submitted and not decided yet. */
const IN_REVIEW = new Set(["WAITING_FOR_REVIEW", "IN_REVIEW", "WAITING_FOR_EXPORT_COMPLIANCE", "READY_FOR_REVIEW"]);
/** Users can download it. */
const LIVE = new Set(["READY_FOR_SALE", "READY_FOR_DISTRIBUTION"]);
const REMOVED = new Set(["REMOVED_FROM_SALE", "DEVELOPER_REMOVED_FROM_SALE"]);

export type ReviewOutcome = "editable" | "in-review" | "approved" | "rejected" | "removed" | "other";

/** Example: `reviewOutcome("METADATA_REJECTED")` → "rejected". */
export function reviewOutcome(state: string): ReviewOutcome {
  if (APPROVED.has(state)) return "approved";
  if (REJECTED.has(state)) return "rejected";
  if (IN_REVIEW.has(state)) return "in-review";
  if (REMOVED.has(state)) return "removed";
  if (state === "PREPARE_FOR_SUBMISSION") return "editable";
  return "other";
}

/** True when the version is on sale (a phased release may be running). */
export const isLive = (state: string): boolean => LIVE.has(state);

/** A build's processing: VALID is usable; FAILED and INVALID never will be. */
export function buildOutcome(processingState: string): "valid" | "processing" | "unusable" {
  if (processingState === "VALID") return "valid";
  if (processingState === "FAILED" || processingState === "INVALID") return "unusable";
  return "processing";
}
