/** The dashboard's entry: the router over the address's hash (#/, #/environments, #/r/VERSION, #/r/VERSION/doc/NAME). */
import type { Me } from "./api-types.js";
import { api, closePage, S, setMe, statusOf } from "./app-state.js";
import { showEnvironments } from "./environments.js";
import { installPasskeyButton } from "./passkey.js";
import { installSession, showDocument, showError, showList, showSignIn } from "./pages.js";
import { showRelease } from "./release-page.js";

async function route(): Promise<void> {
  closePage();
  if (!S.me) {
    try {
      setMe(await api<Me>("GET", "/api/me"));
    } catch (e) {
      if (statusOf(e) === 401) showSignIn(route);
      else showError(e);
      return;
    }
  }
  const hash = location.hash;
  const release = /^#\/r\/([^/]+)$/.exec(hash);
  const doc = /^#\/r\/([^/]+)\/doc\/([^/]+)$/.exec(hash);
  try {
    if (release) await showRelease(decodeURIComponent(release[1]!));
    else if (doc) await showDocument(decodeURIComponent(doc[1]!), decodeURIComponent(doc[2]!));
    else if (hash === "#/environments") await showEnvironments();
    else await showList();
  } catch (e) {
    if (statusOf(e) !== 401) showError(e);
  }
}

installSession(route);
installPasskeyButton();
window.addEventListener("hashchange", () => void route());
void route();
