/** ORIENT: read a release and build the cold-resume briefing. */
import { buildOrient, renderOrient, type OrientView } from "../core/render/render-orient.js";
import { statusView } from "../core/status-view.js";
import type { Store } from "../store/store.js";
import { selectRelease } from "./project.js";

export const DEFAULT_ORIENT_WORDS = 2000;

/** The briefing for a release (the current one when `release` is undefined), trimmed to `words`. */
export async function orient(
  store: Store,
  release: string | undefined,
  words = DEFAULT_ORIENT_WORDS,
): Promise<{ view: OrientView; text: string }> {
  const session = await selectRelease(store, release, { allowFinished: true });
  const s = session.state;
  return renderOrient(buildOrient(s, session.events, statusView(s, release), words));
}
