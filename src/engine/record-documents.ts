/**
 * Record writes: after an incident, guidance, a rollback, an abort, a NO-GO or rejected round, or a
 * remediation note, the documents it concerns are written again from the log up to that event
 * (core/record-points.ts decides which), composed with the version's other runs as at a document
 * step, and a `DocumentsWritten {phase: 0, upTo, reason}` records it so `docs --rebuild` renders
 * each document from the same point.
 */
import type { Actor, AnyDraft, AnyEvent } from "../core/events.js";
import { recordPoint } from "../core/record-points.js";
import type { Project } from "./project.js";
import type { ReleaseSession } from "./release-session.js";
import { composeVersionDocuments, renderDocumentsUpTo, withDocumentsLock, writeDocs } from "./write-documents.js";

/**
 * Writes the documents `stored` (events just appended to `session`) concerns, if any, and records
 * the write with `append` (a fact: it holds whoever appended meanwhile). Returns the names written.
 */
export async function writeRecordDocuments(
  project: Project,
  session: ReleaseSession,
  stored: readonly AnyEvent[],
  actor: Actor,
  append?: (drafts: AnyDraft[]) => Promise<unknown>,
): Promise<string[]> {
  const point = recordPoint(session.state, session.events, stored);
  if (!point) return [];
  const docs = renderDocumentsUpTo(session.events, point.upTo, point.names, project.redact);
  if (docs.length === 0) return [];
  const version = session.state.version;
  await withDocumentsLock(project.store, version, async () => {
    const { documents } = await composeVersionDocuments(project.store, version, project.redact, {
      own: { release: session.release, events: session.events, writing: docs },
      names: docs.map((d) => d.name),
    });
    writeDocs(project.releaseDir(version), documents, project.root);
    const drafts: AnyDraft[] = [
      {
        type: "DocumentsWritten",
        at: project.now(),
        actor,
        data: {
          phase: 0,
          files: docs.map((d) => ({ name: d.name, sha256: d.sha256 })),
          upTo: point.upTo,
          reason: point.reason,
        },
      },
    ];
    await (append ? append(drafts) : session.appendFact(drafts));
  });
  return docs.map((d) => d.name);
}
