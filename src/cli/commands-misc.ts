/** parse, audit, docs, features, validate. */
import { VERDICT_MARKS } from "../core/verdict.js";
import { envFlag } from "./context.js";
import { relative } from "node:path";
import { BrtopsError, ExitCodes } from "../core/errors.js";
import { parseTrigger } from "../core/trigger-grammar.js";
import { buildEnvironmentCatalog } from "../core/environments.js";
import { findRoot, loadConfig } from "../config/load-config.js";
import { verifyChain } from "../store/event-chain.js";
import { auditTrust, readAnchor } from "../engine/audit-log.js";
import type { SignedDecision, UnsignedDecision } from "../engine/audit-signatures.js";
import { selectRelease } from "../engine/project.js";
import { compareOnDisk, composeVersionDocuments, withDocumentsLock, writeDocs } from "../engine/write-documents.js";
import { parseReleaseRef, versionOfReleaseId } from "../core/release-id.js";
import { orderRuns } from "../core/render/compose-runs.js";
import type { Store } from "../store/store.js";
import type { IntelConfigView } from "../config/schema-intel.js";
import { withProject, type Ctx } from "./context.js";

export async function cmdParse(ctx: Ctx, phrase: string): Promise<number> {
  const root = findRoot(ctx.cwd);
  const catalog = buildEnvironmentCatalog(root ? loadConfig(root).config.environments : undefined);
  const t = parseTrigger(phrase, catalog);
  const { input: _input, ...shown } = t;
  ctx.out.result(
    shown,
    Object.entries(shown)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n"),
  );
  return 0;
}

export async function cmdAudit(ctx: Ctx): Promise<number> {
  const verify = ctx.args.positionals[0] === "verify";
  if (ctx.args.positionals[0] && !verify)
    throw new BrtopsError("E_USAGE", `Unknown audit subcommand "${ctx.args.positionals[0]}".`, {
      hint: "brtops audit   or   brtops audit verify",
    });
  return withProject(ctx, async (p) => {
    const refs = ctx.args.flags.release ? [{ release: await auditedRelease(p.store, ctx) }] : await p.store.list();
    let ok = true;
    const { auditSignatures } = await import("../engine/audit-signatures.js");
    type Audited = {
      release: string;
      ok: boolean;
      events: number;
      lastHash: string;
      bad?: { seq: number; reason: string };
      anchor?: { seq: number; hash: string };
      signed?: SignedDecision[];
      unsigned?: UnsignedDecision[];
      log?: { seq: number; at: string; type: string; actor: string; hash: string }[];
    };
    const results: Audited[] = [];
    for (const { release } of refs) {
      const anchor = await readAnchor(p.store, release);
      const r = await p.store.read(release);
      const v = verifyChain(release, r.events);
      // On an intact chain: recorded decision heads, events authority could not have accepted, the anchor.
      const trust = v.bad || r.damage ? null : await auditTrust(r.events, anchor);
      // Signatures are checked on an intact chain: every signed decision against the configured keys.
      const sigs = verify && !v.bad && !r.damage && !trust?.bad ? await auditSignatures(p, release, r.events) : null;
      const bad = v.bad ?? r.damage ?? trust?.bad ?? sigs?.bad ?? undefined;
      if (bad) ok = false;
      results.push({
        release,
        ok: !bad,
        events: r.events.length,
        lastHash: v.lastHash,
        ...(trust?.anchor ? { anchor: trust.anchor } : {}),
        ...(bad ? { bad } : {}),
        ...(sigs ? { signed: sigs.signed, unsigned: sigs.unsigned } : {}),
        ...(verify
          ? {}
          : {
              log: r.events.map((e) => ({
                seq: e.seq,
                at: e.at,
                type: e.type,
                actor: e.actor.id,
                hash: e.hash.slice(0, 12),
              })),
            }),
      });
    }
    const signatureLines = (r: Audited) => [
      ...(r.signed ?? []).map(
        (x) =>
          `    signed   event ${x.seq} ${x.step} by ${x.actor} (${x.kind === "ssh" ? `SSH key ${x.keyId}` : `passkey ${x.keyId.slice(0, 16)}…`})`,
      ),
      ...(r.unsigned ?? []).map(
        (x) => `    unsigned event ${x.seq} ${x.step} by ${x.actor}${x.required ? " — a signature is required" : ""}`,
      ),
    ];
    const text = results
      .map((r) =>
        verify
          ? [
              `${r.ok ? "✔" : "✘"} release ${r.release}: ${r.events} events${r.ok ? `, chain intact (last hash ${r.lastHash.slice(0, 12)}${r.anchor ? `; anchored at event ${r.anchor.seq}` : "; no anchor"})` : ` — event ${r.bad!.seq}: ${r.bad!.reason}`}`,
              ...signatureLines(r),
            ].join("\n")
          : [
              `release ${r.release}`,
              ...(r.log ?? []).map(
                (e) => `  ${String(e.seq).padStart(5)} ${e.at} ${e.type.padEnd(18)} ${e.actor} ${e.hash}`,
              ),
            ].join("\n"),
      )
      .join("\n");
    ctx.out.result({ ok, releases: results }, text || "No releases.");
    return verify && !ok ? ExitCodes.STEP_FAILED : 0;
  });
}

/** The release `audit --release` names; a log that fails verification is still the one audited (its session refuses to open). */
async function auditedRelease(store: Store, ctx: Ctx): Promise<string> {
  try {
    return (await selectRelease(store, ctx.args.flags.release, { allowFinished: true, ...envFlag(ctx) })).release;
  } catch (e) {
    const release = e instanceof BrtopsError && e.code === "E_LOG_TAMPERED" ? e.details?.["release"] : undefined;
    if (typeof release === "string") return release;
    throw e;
  }
}

export async function cmdDocs(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    // The folder is the version's: every run of it ("1.1.0", "1.1.0@production", …) has its section there.
    const version = await docsVersion(p.store, ctx.args.flags.release);
    const dir = p.releaseDir(version);
    const compose = () => composeVersionDocuments(p.store, version, p.redact);
    // A rebuild writes under the lock a run writing its documents holds, so it never drops that run's new section.
    const rebuild = () =>
      withDocumentsLock(p.store, version, async () => {
        const composed = await compose();
        writeDocs(dir, composed.documents);
        return composed;
      });
    const { runs, documents: docs } = ctx.args.flags.rebuild ? await rebuild() : await compose();
    const same = new Map(compareOnDisk(dir, docs).map((c) => [c.name, c.same]));
    const cmp = docs.map((d) => ({ name: d.name, same: same.get(d.name)!, runs: d.runs }));
    const folder = relative(p.root, dir);
    const ids = orderRuns(runs).map((r) => r.release);
    ctx.out.result(
      { folder, version, runs: ids, rebuilt: !!ctx.args.flags.rebuild, documents: cmp },
      [
        `${folder}/${ids.length > 1 ? `  (runs ${ids.join(", ")})` : ""}`,
        ...cmp.map(
          (c) =>
            `  ${c.same ? "✔" : "✘"} ${c.name}${ids.length > 1 ? ` [${c.runs.join(", ")}]` : ""}${c.same ? "" : " (differs from the log: `brtops docs --rebuild`)"}`,
        ),
      ].join("\n"),
    );
    return ctx.args.flags.check && cmp.some((c) => !c.same) ? ExitCodes.STEP_FAILED : 0;
  });
}

/** The version whose folder `docs` acts on: named by --release ("1.1.0", "v1.1.0", "1.1.0@production~2"), else the selected release's. */
async function docsVersion(store: Store, release: string | undefined): Promise<string> {
  if (!release) return (await selectRelease(store, undefined, { allowFinished: true })).state.version;
  const ref = parseReleaseRef(release);
  if (!ref)
    throw new BrtopsError("E_VERSION_INVALID", `"${release}" is not a release version.`, {
      hint: "Pass --release with a version such as 2.1.0, or a run such as 2.1.0@production.",
    });
  const known = (await store.list()).map((r) => r.release);
  if (!known.some((id) => versionOfReleaseId(id) === ref.version)) {
    throw new BrtopsError("E_NO_ACTIVE_RELEASE", `There is no release ${ref.version}.`, {
      hint: known.length
        ? `Known releases: ${known.join(", ")}.`
        : 'Start one with `brtops release 2.1.0 --to staging` or `brtops "RELEASE v2.1.0 to Staging"`.',
      details: { known },
    });
  }
  return ref.version;
}

export async function cmdFeatures(ctx: Ctx): Promise<number> {
  // Before `brtops init` a newcomer can look first: the features under the default paths.
  if (!findRoot(ctx.cwd)) return showFeatures(ctx, ctx.cwd, {});
  return withProject(ctx, async (p) => showFeatures(ctx, p.root, p.config));
}

async function showFeatures(ctx: Ctx, root: string, config: IntelConfigView): Promise<number> {
  const { readFeatureReport } = await import("../intel/read-feature-report.js");
  const r = await readFeatureReport(root, config);
  const text = [
    ...r.features.map(
      (f) =>
        `${f.status.padEnd(12)} ${f.name}${f.sev !== null ? ` [SEV-${f.sev}]` : ""}${f.source ? `  (${f.source.file}:${f.source.line})` : ""}`,
    ),
    "",
    `Readiness: ${r.readiness}   Recommendation: ${r.recommendation}`,
  ].join("\n");
  ctx.out.result(r, text);
  return 0;
}

export async function cmdValidate(ctx: Ctx): Promise<number> {
  return withProject(ctx, async (p) => {
    const { resolveIdentity } = await import("../engine/identity.js");
    const { validateRelease } = await import("../engine/validate-release.js");
    const session = await selectRelease(p.store, ctx.args.flags.release, { allowFinished: true, ...envFlag(ctx) });
    const r = await validateRelease(p, session, resolveIdentity(p.root, ctx.args.flags.as, p.env), (line) =>
      ctx.out.info(`  ${line}`),
    );
    const lines = (Object.keys(r.verdicts) as (keyof typeof r.verdicts)[]).map(
      (k) =>
        `  ${VERDICT_MARKS[r.verdicts[k]]} ${k}: ${String(r.results[k].failure?.message ?? r.results[k].result?.summary ?? "")} [${r.verdicts[k]}]`,
    );
    const head = r.ok
      ? Object.values(r.verdicts).every((v) => v === "pass")
        ? "✔ post-deployment validation passed"
        : "post-deployment validation: no check failed, but not every check passed"
      : `✘ validation failed: ${r.failed.length} check(s) failed`;
    ctx.out.result(r, [head, ...lines].join("\n"));
    return r.ok ? 0 : ExitCodes.STEP_FAILED;
  });
}

/** `brtops store copy --to postgres://…`: moves releases from this project's store with their chains intact. */
export async function cmdStore(ctx: Ctx): Promise<number> {
  if (ctx.args.positionals[0] !== "copy" || !ctx.args.flags.to)
    throw new BrtopsError("E_USAGE", "Usage: brtops store copy --to postgres://…", {
      hint: "Copies every release (or --release V) from the configured store to the one named by --to.",
    });
  return withProject(ctx, async (p) => {
    const { openStore } = await import("../store/open-store.js");
    const { copyStore } = await import("../store/copy-store.js");
    const target = await openStore(p.root, ctx.args.flags.to);
    try {
      const r = await copyStore(p.store, target, {
        ...(ctx.args.flags.release ? { releases: [ctx.args.flags.release.replace(/^v/, "")] } : {}),
      });
      ctx.out.result(r, r.releases.map((x) => `${x.release}: ${JSON.stringify(x)}`).join("\n") || "Nothing to copy.");
      return 0;
    } finally {
      await target.close();
    }
  });
}
