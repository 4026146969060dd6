/** --help texts, one per command. */
export const COMMAND_HELP: Record<string, string> = {
  init: "brtops init --hum-lead ID [--hum-lead ID…] --ai-lead ID [--force]\n  Writes a commented brtops.config.yaml and creates the docs folders.",
  release: "brtops release <VERSION|major|minor|patch> --to ENV [--override-promotion REASON] [--dry-run]\n  Requests a release (RELEASE v{version} to {target}) and advances it to the first HUM LEAD gate.\n  A version already certified on another environment is promoted: the same approved package, no rebuild.\n  A version whose earlier attempts ended aborted or rolled back is tried again as a new attempt.\n  One release per environment at a time. --override-promotion (a HUM LEAD, with a reason) deploys outside\n  the configured promotion order. --dry-run runs every check of the real request and records nothing.",
  environments: "brtops environments [--env ENV] [--json]\n  What runs where: per environment the version running now, since when, by which release, its commit and artifact digests, and its history (deployed, promoted, certified, rolled back, aborted).",
  run: "brtops run [--release V] [--jsonl]\n  Advances the release as far as it can go: until a HUM LEAD must decide, it ends, or a step fails.",
  approve: 'brtops approve [--step ID] [--note T] [--waive REASON]\n  Approves the open gate (at 5.10 this is the GO decision, at 7.10 certification). --step binds the decision to the gate you saw.',
  reject: "brtops reject --reason T [--step ID] [--return-to PHASE]\n  Rejects the open gate (at 5.10: NO-GO); the release returns to the start of PHASE.",
  feedback: 'brtops feedback "TEXT"\n  Adds feedback to the current gate (anyone named in the config).',
  respond: 'brtops respond F1 "TEXT"\n  The AI LEAD answers a piece of feedback.',
  ask: 'brtops ask "QUESTION"\n  Asks the HUM LEAD a clarifying question (HUM CALL).',
  answer: 'brtops answer Q1 "TEXT"\n  A HUM LEAD answers a question.',
  go: "brtops go\n  GO RELEASE: grants auto-proceed. For SEV-2 and lower, gates without findings are approved on this grant; GO/NO-GO and certification still wait for a person.",
  guide: "brtops guide retry|rollback|continue [--step ID] [--note T]\n  A HUM LEAD chooses how to handle an incident (a failed step).",
  waive: 'brtops waive FEATURE --reason T\n  Lets a feature that is not ready into the release, recorded.',
  exclude: 'brtops exclude FEATURE --reason T\n  Leaves a feature out of the release, recorded.',
  sev: 'brtops sev SEV-N --reason T\n  A HUM LEAD overrides the release SEV (and so its phase plan).',
  signoff: 'brtops signoff [--uat] [--reject] ["NOTE"]\n  A configured person signs off (UAT for phase 3 with --uat, else stakeholders for phase 5). AI LEADs cannot sign off.',
  sitrep: "brtops sitrep\n  SITREP RELEASE: status ON TRACK | BLOCKED | COMPLETE | AT RISK, last and next action.",
  status: "brtops status [--release V]\n  RELEASE STATUS: phase, step, state, the gate's report and the commands to type next.",
  "deployment-status": "brtops deployment-status\n  DEPLOYMENT STATUS: each deployment step with its timing and health.",
  pause: "brtops pause [--note T]\n  RELEASE PAUSE: holds the release at the next safe checkpoint.",
  resume: "brtops resume\n  RELEASE RESUME: goes on from the checkpoint (then `brtops run`).",
  abort: "brtops abort [--note T]\n  RELEASE ABORT: stops and rolls back what was deployed, in reverse order.",
  rollback: "brtops rollback [--note T]\n  RELEASE ROLLBACK: takes the deployment back to the previous version.",
  validate: "brtops validate\n  RELEASE VALIDATE: runs post-deployment validation on its own and records it.",
  docs: "brtops docs [--rebuild|--check]\n  Lists the release documents; --rebuild rewrites them from the log; --check compares them.",
  audit: "brtops audit [verify]\n  Shows the event log; `verify` checks the hash chain and names the first bad event (exit 1).",
  parse: 'brtops parse "PHRASE"\n  Shows how a BRTOPS phrase is understood.',
  features: "brtops features\n  Feature readiness: each feature's status with its source, the system readiness and recommendation.",
  store: "brtops store copy --to postgres://… [--release V]\n  Copies releases from this project's store to another (e.g. the team PostgreSQL store), chains intact.",
  list: "brtops list\n  Every release in the store.",
  orient: "brtops orient [--words N] [--json]\n  ORIENT: a briefing to resume cold (step, open items, last decisions, next action, Ready for operations), within N words (default 2000; oldest items trimmed first).",
  defrag: "brtops defrag [--json]\n  DEFRAG: writes checkpoints/checkpoint-<seq>.md in the release folder (decisions, open items, step, documents kept; events counted) and records it.",
  mcp: "brtops mcp\n  Serves the AI LEAD's tools over the Model Context Protocol (stdio). No tool approves, rejects, decides GO/NO-GO or certifies.",
  serve: "brtops serve [--port N] [--host H]\n  Serves the web dashboard at / and the HTTP API (default 127.0.0.1:4300): GET /api/releases, GET /api/releases/V, /deployment, /audit, POST /api/releases/V/approve|reject|feedback|answer|go|guide|pause|resume|abort|rollback|ask|respond|signoff|sev|waive, GET /api/releases/V/controls, GET /api/releases/V/events (SSE), POST /api/login|logout, GET /api/me. Decisions are recorded; a `brtops run` carries them out. Browsers sign in with a password (brtops user add ID); agents and CI send Authorization: Bearer <token>. Stop with Ctrl-C.",
  token: "brtops token create ID [--json]\n  Creates an API token acting as ID (shown once; stored hashed in .brtops/tokens.json). The role comes from the config's leads.",
  user: "brtops user add ID\n  Sets ID's password (read from stdin; scrypt-hashed in .brtops/users.json) for POST /api/login.",
};

export const MAIN_HELP = `brtops — runs the BRTOPS RELEASE workflow: seven phases, HUM LEAD gates, a tamper-evident log.

Usage: brtops COMMAND [options]      or      brtops "RELEASE v2.1.0 to Staging"

Start:      init, release, "PHRASE", parse
Advance:    run, go, pause, resume, abort, rollback, validate
Decide:     approve, reject, guide, waive, exclude, sev, signoff
Talk:       feedback, respond, ask, answer
Look:       status, sitrep, deployment-status, environments, features, list, docs, audit

Options for every command:
  --json           print one JSON object
  --as ID          act as ID (else BRTOPS_ACTOR, else git user.email)
  --release V      the release, when more than one is open
  -C, --cwd DIR    the project folder
  -h, --help       help for a command

Exit codes: 0 done, 1 a step failed, 2 bad input, 3 waiting for a HUM LEAD, 4 not authorised, 5 conflict.`;
