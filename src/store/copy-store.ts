/**
 * Moves release logs between stores (file → PostgreSQL when a team grows, or back). Appending a
 * release's drafts in order after the same seq reproduces the same prev and hash values, so the
 * copy verifies exactly like the source. Everything is checked before anything is written: a
 * broken source chain or a clashing target release stops the copy with nothing appended.
 */
import { BrtopsError } from "../core/errors.js";
import type { AnyDraft, AnyEvent } from "../core/events.js";
import { verifyChain } from "./event-chain.js";
import type { Store } from "./store.js";

export interface CopyProgress {
  release: string;
  copied: number;
  total: number;
}

export interface CopyOptions {
  /** Only these releases (default: every release in the source). */
  releases?: readonly string[];
  /** Events per append (default 500): one transaction, or one line in the file store. */
  batchSize?: number;
  onProgress?: (p: CopyProgress) => void;
}

export interface CopiedRelease {
  release: string;
  /** Events the release has in the target after the copy. */
  events: number;
  /** Events appended by this copy (0 when the target already had them all). */
  copied: number;
  skipped: boolean;
}

interface Plan {
  release: string;
  events: AnyEvent[];
  have: number;
}

function toDraft(e: AnyEvent): AnyDraft {
  return { type: e.type, at: e.at, actor: e.actor, data: e.data } as AnyDraft;
}

async function planRelease(from: Store, to: Store, release: string): Promise<Plan> {
  const src = await from.read(release);
  if (src.damage) {
    throw new BrtopsError(
      "E_LOG_CORRUPT",
      `Release ${release} cannot be copied: its log is damaged at event ${src.damage.seq} (${src.damage.reason}).`,
      {
        hint: "Run `brtops audit verify` on the source store and repair the log before copying.",
        details: { release, seq: src.damage.seq },
      },
    );
  }
  const verdict = verifyChain(release, src.events);
  if (!verdict.ok) {
    throw new BrtopsError(
      "E_LOG_CORRUPT",
      `Release ${release} cannot be copied: event ${verdict.bad!.seq} does not verify (${verdict.bad!.reason}).`,
      {
        hint: "Run `brtops audit verify` on the source store; a broken chain is never copied.",
        details: { release, seq: verdict.bad!.seq },
      },
    );
  }
  const dst = (await to.read(release)).events;
  // A target holding a prefix of the source is an interrupted copy: it is resumed, not refused.
  const clash = dst.length > src.events.length || dst.some((e, i) => e.hash !== src.events[i]!.hash);
  if (clash) {
    throw new BrtopsError(
      "E_CONFLICT",
      `Release ${release} already exists in the target store with different events.`,
      {
        hint: "Copy it to an empty store, or leave that release out (--release).",
        details: { release, source: src.events.length, target: dst.length },
      },
    );
  }
  return { release, events: src.events, have: dst.length };
}

/** Copies releases with their chains intact. Example: `await copyStore(fileStore, pgStore)` → `{releases: [{release: "2.1.0", events: 42, copied: 42, skipped: false}]}`. */
export async function copyStore(
  from: Store,
  to: Store,
  opts: CopyOptions = {},
): Promise<{ releases: CopiedRelease[] }> {
  const batchSize = Math.max(1, opts.batchSize ?? 500);
  const available = new Set((await from.list()).map((r) => r.release));
  const wanted = opts.releases ? [...new Set(opts.releases)] : [...available].sort();
  const missing = wanted.filter((r) => !available.has(r));
  if (missing.length > 0) {
    throw new BrtopsError("E_RELEASE_NOT_FOUND", `The source store has no release ${missing.join(", ")}.`, {
      hint: "List the source store's releases (brtops status --all) and name only those.",
      details: { missing },
    });
  }
  const plans: Plan[] = [];
  for (const release of wanted) plans.push(await planRelease(from, to, release));

  const out: CopiedRelease[] = [];
  for (const plan of plans) {
    const total = plan.events.length;
    let at = plan.have;
    opts.onProgress?.({ release: plan.release, copied: at, total });
    while (at < total) {
      const slice = plan.events.slice(at, at + batchSize);
      const written = await to.append(plan.release, at, slice.map(toDraft));
      const differs = written.findIndex((e, i) => e.hash !== slice[i]!.hash);
      if (differs !== -1) {
        throw new BrtopsError(
          "E_STORE",
          `Copying release ${plan.release} produced a different hash at event ${written[differs]!.seq}.`,
          {
            hint: "The target store changed the event on the way in; report this as a brtops bug with both stores' versions.",
            details: { release: plan.release, seq: written[differs]!.seq },
          },
        );
      }
      at += slice.length;
      opts.onProgress?.({ release: plan.release, copied: at, total });
    }
    out.push({ release: plan.release, events: total, copied: total - plan.have, skipped: plan.have === total });
  }
  return { releases: out };
}
