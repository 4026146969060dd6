/** The dashboard's style sheet, served as /app.css: one column on a phone, two from 900 px. */
export const STYLES_CSS = String.raw`
:root {
  --bg: #f6f7f9; --card: #fff; --fg: #1c2330; --muted: #5d6778; --line: #dde1e8;
  --accent: #2453c7; --ok: #1d7a3e; --warn: #9a6700; --bad: #b42318; --pending: #8a94a6;
  --ok-bg: #e5f4ea; --warn-bg: #fff4d6; --bad-bg: #fde8e6; --info-bg: #e8efff;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151b; --card: #1b2029; --fg: #e4e8ef; --muted: #9aa4b5; --line: #2d3441;
    --accent: #7ea2ff; --ok: #5cc785; --warn: #e0b04a; --bad: #ff8a7f; --pending: #6f7a8d;
    --ok-bg: #17301f; --warn-bg: #33290f; --bad-bg: #3a1a17; --info-bg: #1c2740;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; overflow-wrap: anywhere; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
pre { white-space: pre-wrap; margin: 0.4em 0; }
h1 { font-size: 1.35rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.05rem; margin: 0 0 0.6rem; }
h3 { font-size: 0.98rem; margin: 0.8rem 0 0.3rem; }
.muted { color: var(--muted); }
[hidden] { display: none !important; }

.top { display: flex; align-items: center; gap: 0.75rem; padding: 0.6rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); flex-shrink: 0; overflow-wrap: normal; }
.top .link { flex-shrink: 0; white-space: nowrap; }
.nav { display: flex; gap: 0.75rem; font-size: 0.92rem; flex-shrink: 0; white-space: nowrap; }
.nav a { text-decoration: none; overflow-wrap: normal; }
/* On a phone the header takes two rows: the brand, the pages and the buttons; then who is signed in. */
@media (max-width: 600px) {
  .top { flex-wrap: wrap; row-gap: 0.2rem; }
  .nav { margin-right: auto; }
  .who { order: 10; flex-basis: 100%; margin-left: 0; }
}
.who { margin-left: auto; color: var(--muted); font-size: 0.88rem; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem; }

.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem; margin-bottom: 1rem; min-width: 0; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 1rem; }
@media (min-width: 900px) { .grid { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); } }
/* One column on a phone, the decision first: an incident, the gate's decision and the controls, then the release's overview, the report, the conversation and the logs. */
@media (max-width: 899px) {
  #release { display: flex; flex-direction: column; }
  #release .grid, #release .grid > div { display: contents; }
  #incident { order: 1; } #decision { order: 2; } #controls { order: 3; } #overview { order: 4; } #gate { order: 5; }
  #signoffs { order: 6; } #conversation { order: 7; } #deploy { order: 8; } #steps-card { order: 9; } #audit-card { order: 10; }
}
.head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem; }
.live { font-size: 0.8rem; color: var(--muted); margin-left: auto; }
.live.on::before { content: "● "; color: var(--ok); }
.live.off::before { content: "● "; color: var(--warn); }

.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; background: var(--info-bg); color: var(--accent); white-space: nowrap; }
.badge.ok, .badge.certified, .badge.succeeded, .badge.healthy, .badge.pass { background: var(--ok-bg); color: var(--ok); }
.badge.warn, .badge.awaiting-hum-lead, .badge.paused, .badge.on-hold, .badge.started, .badge.warning { background: var(--warn-bg); color: var(--warn); }
.badge.bad, .badge.failed, .badge.aborted, .badge.rolled-back, .badge.rolling-back, .badge.critical, .badge.unhealthy, .badge.fail { background: var(--bad-bg); color: var(--bad); }

.timeline { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.35rem; }
@media (min-width: 700px) { .timeline { grid-template-columns: repeat(7, minmax(0, 1fr)); } }
.timeline li { display: flex; align-items: baseline; gap: 0.3rem; border-left: 4px solid var(--pending); padding: 0.2rem 0.5rem; background: var(--bg); border-radius: 4px; font-size: 0.85rem; min-width: 0; }
.timeline .n { font-weight: 700; }
.timeline .st { margin-left: auto; padding-left: 0.4rem; font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); white-space: nowrap; }
@media (min-width: 700px) {
  .timeline li { display: block; border-left: 0; border-top: 4px solid var(--pending); padding: 0.3rem 0.5rem; }
  .timeline .st { display: block; margin: 0; padding: 0; }
}
.timeline .done { border-color: var(--ok); }
.timeline .current { border-color: var(--accent); background: var(--info-bg); }
.timeline .skipped { opacity: 0.55; border-style: dashed; }
.steps { list-style: none; margin: 0.6rem 0 0; padding: 0; font-size: 0.85rem; }
.steps li { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 0.45rem; padding: 0.15rem 0; min-width: 0; }
.steps .ssum { flex-basis: 100%; padding-left: 1.6rem; font-size: 0.8rem; }
.verdict { display: inline-flex; gap: 0.3rem; align-items: baseline; font-weight: 600; white-space: nowrap; color: var(--muted); }
.verdict .mark { display: inline-block; min-width: 1.1rem; text-align: center; }
.verdict .word { font-size: 0.72rem; letter-spacing: 0.04em; }
.verdict.pass { color: var(--ok); }
.verdict.warn { color: var(--warn); }
.verdict.fail { color: var(--bad); }

dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.2rem 0.8rem; margin: 0.6rem 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; min-width: 0; }

.report { border-top: 1px solid var(--line); margin-top: 0.8rem; padding-top: 0.6rem; }
.report p { margin: 0.3rem 0; white-space: pre-wrap; }
.report ul { margin: 0.3rem 0; padding-left: 1.2rem; }
.findings { margin: 0.5rem 0; padding-left: 1.2rem; }

form { display: grid; gap: 0.5rem; margin-top: 0.6rem; }
label { display: grid; gap: 0.2rem; font-size: 0.88rem; color: var(--muted); }
input, textarea, select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem; width: 100%; min-width: 0; }
textarea { min-height: 4.2rem; resize: vertical; }
.row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.btn { font: inherit; font-weight: 600; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem; background: var(--card); color: var(--fg); cursor: pointer; min-height: 2.5rem; }
.btn:disabled { opacity: 0.5; cursor: progress; }
.btn.go { background: var(--ok); border-color: var(--ok); color: #fff; }
.btn.stop { background: var(--bad); border-color: var(--bad); color: #fff; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.link { font: inherit; background: none; border: 0; color: var(--accent); cursor: pointer; padding: 0.2rem; }
.decide { border-top: 1px solid var(--line); margin-top: 0.8rem; padding-top: 0.4rem; }
.notice { background: var(--info-bg); border-radius: 6px; padding: 0.5rem 0.7rem; margin: 0.6rem 0 0; font-size: 0.9rem; }
.notice.bad { background: var(--bad-bg); color: var(--bad); }

.small { font-size: 0.85rem; }
.runner code { overflow-wrap: anywhere; }
.incident { border-color: var(--bad); }
.confirm { background: var(--bad-bg); border-radius: 6px; padding: 0.5rem 0.7rem; margin-top: 0.5rem; }
.confirm p { margin: 0 0 0.4rem; }
.go-release { border-top: 1px solid var(--line); margin-top: 0.8rem; padding-top: 0.6rem; }
.go-release p { margin: 0.3rem 0 0; }
.signoff-list { list-style: none; margin: 0.2rem 0 0.5rem; padding: 0; display: grid; gap: 0.2rem; }
.signoff + .signoff { border-top: 1px solid var(--line); margin-top: 0.6rem; padding-top: 0.4rem; }
.signoff label { margin-top: 0.3rem; }

.thread { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
.thread li { border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.7rem; }
.thread .meta { font-size: 0.8rem; color: var(--muted); }
.thread .text { white-space: pre-wrap; margin: 0.2rem 0 0; }
.thread .reply { border-left: 3px solid var(--accent); padding-left: 0.6rem; margin-top: 0.4rem; }

.steps, .events { list-style: none; margin: 0; padding: 0; }
.steps li, .events li { display: flex; flex-wrap: wrap; gap: 0.2rem 0.6rem; padding: 0.35rem 0; border-bottom: 1px solid var(--line); font-size: 0.88rem; }
.steps .health { flex-basis: 100%; color: var(--muted); font-size: 0.82rem; }
.events .seq { width: 3.2rem; color: var(--muted); }
.events .hash { color: var(--muted); }
.verify { font-weight: 600; margin: 0 0 0.5rem; }
.verify.ok { color: var(--ok); }
.verify.bad { color: var(--bad); }
details summary { cursor: pointer; color: var(--accent); margin: 0.3rem 0; }

.releases { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6rem; }
.releases a { display: block; text-decoration: none; color: inherit; }
.signin { max-width: 380px; margin: 2rem auto; }
.error { color: var(--bad); min-height: 1.2em; margin: 0.3rem 0 0; }
.toast { position: fixed; left: 50%; bottom: 1rem; transform: translateX(-50%); max-width: calc(100vw - 2rem); background: var(--fg); color: var(--bg); padding: 0.6rem 1rem; border-radius: 8px; z-index: 5; }
.toast.bad { background: var(--bad); color: #fff; }

/* The gate, in sections; the decision beside it. */
.gsec { border-top: 1px solid var(--line); padding: 0.5rem 0 0.2rem; }
.gsec h3 { margin-top: 0.2rem; }
.gsec h4 { font-size: 0.9rem; margin: 0.5rem 0 0.2rem; color: var(--muted); }
.findings li { margin: 0.2rem 0; }
.findings li.critical { color: var(--bad); }
.changes, .artifacts, .docs { list-style: none; margin: 0.2rem 0; padding: 0; display: grid; gap: 0.25rem; font-size: 0.9rem; }
.changes a.commit { text-decoration: none; }
.artifacts li { display: flex; flex-wrap: wrap; gap: 0.1rem 0.6rem; align-items: baseline; padding: 0.25rem 0; border-bottom: 1px solid var(--line); }
.artifacts .aname { font-weight: 600; }
.artifacts .digest { flex-basis: 100%; color: var(--muted); font-size: 0.78rem; overflow-wrap: anywhere; }
#report-text > .md { border-top: 1px dashed var(--line); margin-top: 0.4rem; }
.decision-card { border-color: var(--accent); }
.decision-card h2 { margin-bottom: 0.3rem; }
.waiting { margin: 0 0 0.4rem; }
.open-items { background: var(--warn-bg); border-radius: 6px; padding: 0.4rem 0.7rem; margin: 0.5rem 0; }
.open-items.none { background: var(--ok-bg); }
.open-items h3 { margin: 0.1rem 0 0.2rem; }
.open-items ul, .confirm ul { margin: 0.2rem 0; padding-left: 1.1rem; font-size: 0.9rem; }
.open-items li, .confirm li { margin: 0.2rem 0; }
.confirm.go, #approve-ask { background: var(--info-bg); }

/* Live deployment. */
.deploy-steps li.sub { padding-left: 1rem; }
.deploy-steps .label { flex: 1 1 12rem; min-width: 0; }
.deploy-steps .elapsed { font-variant-numeric: tabular-nums; }
.deploy-steps .detail { flex-basis: 100%; }
.deploy-steps .probing { color: var(--warn); }
.health.bad { color: var(--bad); }
.live-feed { border: 1px dashed var(--accent); border-radius: 8px; padding: 0.4rem 0.7rem; margin-bottom: 0.6rem; }
.live-feed h3 { margin: 0.1rem 0 0.3rem; }
.live-step { margin-bottom: 0.4rem; }
.probes { list-style: none; margin: 0.2rem 0; padding: 0; font-size: 0.86rem; }
.probes li.ok .mark { color: var(--ok); }
.probes li.bad { color: var(--bad); }
pre.output { flex-basis: 100%; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 0.6rem; font-size: 0.78rem; max-height: 10rem; overflow: auto; }
.badge.running, .badge.gate { background: var(--info-bg); color: var(--accent); }
.badge.done { background: var(--ok-bg); color: var(--ok); }

/* The releases list: what needs a person first, incidents and holds marked apart. */
.group { margin-bottom: 1rem; }
.group h2 { margin: 0.6rem 0 0.4rem; }
.rel.incident { border-left: 5px solid var(--bad); }
.rel.hold, .rel.paused { border-left: 5px solid var(--warn); }
.rel.gate { border-left: 5px solid var(--accent); }
.rel .what { margin: 0.2rem 0; }

/* Documents. */
.doc .md table, .report table { border-collapse: collapse; font-size: 0.85rem; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.md th, .md td, .board th, .board td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.md h3 { font-size: 1.1rem; } .md h4 { font-size: 1rem; } .md h5, .md h6 { font-size: 0.95rem; margin: 0.7rem 0 0.2rem; }
.md pre { background: var(--bg); padding: 0.5rem; border-radius: 6px; overflow-x: auto; }

/* Environments. */
.board { border-collapse: collapse; font-size: 0.88rem; min-width: 100%; }
.board th, .board td { overflow-wrap: normal; }
.board th { white-space: nowrap; }
.board td { min-width: 9rem; }
.board td.current { background: var(--ok-bg); }
.board td.empty { color: var(--pending); text-align: center; }
.envs { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 320px), 1fr)); gap: 0 1rem; }
.env .big { font-size: 1.4rem; }
.env-version { margin: 0.2rem 0; }
.history { list-style: none; margin: 0.4rem 0 0; padding: 0; font-size: 0.86rem; display: grid; gap: 0.2rem; }
.badge.deployed, .badge.promoted { background: var(--info-bg); color: var(--accent); }
.promotions { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.5rem; }
`;
