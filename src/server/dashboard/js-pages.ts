/** Dashboard script, part 3: who is signed in, the sign-in form, the releases list and the router. */
export const PAGES_JS = String.raw`
const $who = document.getElementById("who");
const $logout = document.getElementById("logout");

function setMe(me) {
  S.me = me;
  S.csrf = me ? me.csrfToken : null;
  $who.textContent = me ? me.id + " · " + roleLabel(me.role) : "";
  $logout.hidden = !me || me.via !== "cookie";
  passkeyButton(me);
}

function closeStream() {
  if (S.es) S.es.close();
  S.es = null;
  if (S.page && S.page.retry) clearTimeout(S.page.retry);
  S.page = null;
}

function signedOut(message) {
  setMe(null);
  showSignIn(message);
}

function showSignIn(message) {
  closeStream();
  const err = h("p", { class: "error", id: "signin-error", role: "alert" }, message || "");
  const id = h("input", { name: "id", id: "signin-id", type: "text", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true });
  const pw = h("input", { name: "password", id: "signin-password", type: "password", autocomplete: "current-password", required: true });
  const btn = h("button", { class: "btn primary", type: "submit" }, "Sign in");
  const submit = async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    err.textContent = "";
    try {
      setMe(await api("POST", "/api/login", { id: id.value.trim(), password: pw.value }));
      await route();
    } catch (e) {
      err.textContent = e.status === 429 ? e.message + " " + (e.hint || "") : e.message;
      pw.value = "";
      pw.focus();
    } finally {
      btn.disabled = false;
    }
  };
  render(h("section", { class: "card signin" },
    h("h1", null, "Sign in"),
    h("p", { class: "muted" }, "Your identity as named in brtops.config.yaml. Passwords are set with: brtops user add ID"),
    h("form", { id: "signin", onsubmit: submit }, h("label", null, "Identity", id), h("label", null, "Password", pw), h("div", { class: "row" }, btn), err)));
  id.focus();
}

const LIST_REFRESH_MS = 15000;

async function showList() {
  const list = h("ul", { class: "releases", id: "releases" });
  const empty = h("p", { class: "muted card" }, "No releases yet. Start one with: brtops release 1.0.0 --to staging");
  const page = { retry: null };
  await fillList(list, empty);
  render(h("section", null, h("h1", null, "Releases"), list, empty));
  S.page = page;
  // The list has no event stream: look again now and then for releases started elsewhere.
  const again = () => {
    page.retry = setTimeout(() => {
      if (S.page === page) fillList(list, empty).then(again, () => {});
    }, LIST_REFRESH_MS);
  };
  again();
}

async function fillList(list, empty) {
  const data = await api("GET", "/api/releases");
  const items = data.releases.slice().sort((a, b) => String(b.lastAt).localeCompare(String(a.lastAt)));
  const card = (r) => h("li", { class: "card" },
    h("a", { href: "#/r/" + enc(r.version) },
      h("div", { class: "head" }, h("strong", null, "v" + r.version), h("span", null, "→ " + r.environment), badge(r.state)),
      h("div", { class: "muted" }, "Phase " + r.phase + " · step " + r.step + " · " + when(r.lastAt))));
  add(clear(list), items.map(card));
  list.hidden = !items.length;
  empty.hidden = !!items.length;
}

function showError(e) {
  render(h("section", { class: "card" }, h("h1", null, "Something went wrong"), h("p", { class: "notice bad" }, failMessage(e)), h("a", { href: "#/" }, "Back to the releases")));
}

async function route() {
  closeStream();
  if (!S.me) {
    try {
      setMe(await api("GET", "/api/me"));
    } catch (e) {
      return e.status === 401 ? showSignIn() : showError(e);
    }
  }
  const m = /^#\/r\/([^/]+)$/.exec(location.hash);
  try {
    if (m) await showRelease(decodeURIComponent(m[1]));
    else await showList();
  } catch (e) {
    if (e.status !== 401) showError(e);
  }
}

$logout.addEventListener("click", async () => {
  try { await api("POST", "/api/logout"); } catch (e) { /* signed out either way */ }
  signedOut("Signed out.");
});
window.addEventListener("hashchange", route);
route();
`;
