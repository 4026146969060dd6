/**
 * Dashboard script, part 1: building DOM nodes (text only ever goes in as text nodes, so nothing a
 * user typed can become markup), calling the API with the CSRF header, toasts and formatting.
 * Plain browser JavaScript kept as a string: no backticks or dollar-brace inside (String.raw).
 */
export const CORE_JS = String.raw`
const S = { me: null, csrf: null, es: null, page: null };
const $main = document.getElementById("main");

function add(el, c) {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) { c.forEach((x) => add(el, x)); return; }
  el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
}

function h(tag, attrs) {
  const el = document.createElement(tag);
  for (const k in attrs || {}) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (let i = 2; i < arguments.length; i++) add(el, arguments[i]);
  return el;
}

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
function render(node) { add(clear($main), node); window.scrollTo(0, 0); }
function enc(s) { return encodeURIComponent(s); }

let toastTimer = null;
function toast(msg, bad) {
  const t = document.getElementById("toast");
  t.textContent = msg;
  t.className = bad ? "toast bad" : "toast";
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, bad ? 9000 : 4000);
}

async function api(method, path, body, retried) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && S.csrf) headers["x-csrf-token"] = S.csrf;
  const r = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const err = data && data.error ? data.error : {};
    // Signed in again in another tab: this page's token belongs to the old session. Fetch the new one, once.
    if (r.status === 403 && err.code === "E_CSRF" && !retried && S.me) {
      const me = await api("GET", "/api/me");
      setMe(me);
      return api(method, path, body, true);
    }
    const e = new Error(err.message || "The server answered " + r.status + ".");
    e.status = r.status;
    e.code = err.code || null;
    e.hint = err.hint || null;
    // A session that ended (signed out elsewhere, expired): back to the sign-in form.
    if (r.status === 401 && S.me && path !== "/api/login") signedOut("Your session ended; sign in again.");
    throw e;
  }
  return data;
}

function failMessage(e) { return e.message + (e.hint ? " " + e.hint : ""); }

const ROLE_LABEL = { "hum-lead": "HUM LEAD", "ai-lead": "AI LEAD", member: "member" };
function roleLabel(role) { return ROLE_LABEL[role] || "not named in the config"; }

function badge(text, kind) { return h("span", { class: "badge " + (kind || text) }, text); }

function when(iso) {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? String(iso || "") : d.toLocaleString();
}

function duration(ms) {
  if (ms < 1000) return ms + " ms";
  if (ms < 120000) return (Math.round(ms / 100) / 10) + " s";
  return Math.round(ms / 60000) + " min";
}

function isFinished(s) { return s.state === "certified" || s.state === "aborted" || s.state === "rolled-back"; }
`;
