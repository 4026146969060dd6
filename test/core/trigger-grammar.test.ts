import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { buildEnvironmentCatalog } from "../../src/core/environments.js";
import type { EnvironmentCatalog } from "../../src/core/environments.js";
import { BrtopsError } from "../../src/core/errors.js";
import { MAX_TRIGGER_LENGTH, SUPPORTED_FORMS, TRIGGER_COMMANDS, parseTrigger } from "../../src/core/trigger-grammar.js";
import type { ParsedTrigger, TriggerCommand } from "../../src/core/trigger-grammar.js";
import { VERSION_RE } from "../../src/core/version-syntax.js";
import { resolveVersionType } from "../../src/intel/version-validate.js";

const F = {
  release: "RELEASE v{version} to {target}",
  releaseType: "RELEASE {version-type} to {environment}",
  cut: "This is great, let's cut a {version} release to {target}",
  ship: "Time to ship version {version} to {target}",
  goRelease: "GO RELEASE v{version} to {target}",
  init: "INIT RELEASE v{version}",
  go: "GO RELEASE",
  sitrep: "SITREP RELEASE",
  status: "RELEASE STATUS",
  deploymentStatus: "DEPLOYMENT STATUS",
  rollback: "RELEASE ROLLBACK",
  pause: "RELEASE PAUSE",
  resume: "RELEASE RESUME",
  abort: "RELEASE ABORT",
  validate: "RELEASE VALIDATE",
} as const;

type Expected = Pick<ParsedTrigger, "command" | "version" | "versionType" | "environment" | "autoProceed"> & {
  form?: string;
};
interface Row {
  phrase: string;
  expect: Expected | { error: string; closest?: string; envClosest?: string };
}

const ok = (phrase: string, command: TriggerCommand, more: Omit<Expected, "command"> = {}): Row => ({
  phrase,
  expect: { command, ...more },
});
const rel = (phrase: string, version: string, environment: string, form?: string): Row =>
  ok(phrase, "release", { version, environment, ...(form === undefined ? {} : { form }) });
const err = (phrase: string, error: string, closest?: string): Row => ({
  phrase,
  expect: {
    error,
    ...(closest === undefined ? {} : error === "E_ENVIRONMENT_UNKNOWN" ? { envClosest: closest } : { closest }),
  },
});

const ROWS: Row[] = [
  // The spec's examples, verbatim (quotes included where the spec quotes them).
  rel("RELEASE v2.1.0 to Production", "2.1.0", "production", F.release),
  rel(`"This is great, let's cut a 2.1.0 release to Staging"`, "2.1.0", "staging", F.cut),
  rel(`"Time to ship version 2.1.0 to GitHub"`, "2.1.0", "github", F.ship),
  ok("RELEASE minor to Staging", "release", { versionType: "minor", environment: "staging", form: F.releaseType }),
  ok("RELEASE major to Production", "release", {
    versionType: "major",
    environment: "production",
    form: F.releaseType,
  }),
  ok("RELEASE patch to NPM", "release", { versionType: "patch", environment: "npm", form: F.releaseType }),
  rel("RELEASE v1.5.2-hotfix to Production", "1.5.2-hotfix", "production"),
  rel("RELEASE v3.0.0-beta to Staging", "3.0.0-beta", "staging"),
  rel("RELEASE v2.0.0-rc.1 to UAT", "2.0.0-rc.1", "staging"),
  ok("INIT RELEASE v2.1.0", "init", { version: "2.1.0", form: F.init }),
  ok("GO RELEASE", "go", { form: F.go }),
  ok("SITREP RELEASE", "sitrep", { form: F.sitrep }),
  ok("RELEASE STATUS", "status", { form: F.status }),
  ok("DEPLOYMENT STATUS", "deployment-status", { form: F.deploymentStatus }),
  ok("RELEASE ROLLBACK", "rollback", { form: F.rollback }),
  ok("RELEASE PAUSE", "pause", { form: F.pause }),
  ok("RELEASE RESUME", "resume", { form: F.resume }),
  ok("RELEASE ABORT", "abort", { form: F.abort }),
  ok("RELEASE VALIDATE", "validate", { form: F.validate }),

  // Every built-in environment name and alias, any spelling of spaces / hyphens / underscores.
  rel("RELEASE v2.1.0 to Prod", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Live", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Stage", "2.1.0", "staging"),
  rel("RELEASE v2.1.0 to Testing", "2.1.0", "testing"),
  rel("RELEASE v2.1.0 to QA", "2.1.0", "testing"),
  rel("RELEASE v2.1.0 to Beta", "2.1.0", "testing"),
  rel("RELEASE v2.1.0 to github", "2.1.0", "github"),
  rel("RELEASE v2.1.0 to npm", "2.1.0", "npm"),
  rel("RELEASE v2.1.0 to Docker Hub", "2.1.0", "docker-hub"),
  rel("RELEASE v2.1.0 to dockerhub", "2.1.0", "docker-hub"),
  rel("RELEASE v2.1.0 to Docker-Hub", "2.1.0", "docker-hub"),
  rel("RELEASE v2.1.0 to docker_hub", "2.1.0", "docker-hub"),
  rel("RELEASE v2.1.0 to DOCKER   HUB", "2.1.0", "docker-hub"),
  rel("RELEASE v2.1.0 to App Store", "2.1.0", "app-store"),
  rel("RELEASE v2.1.0 to appstore", "2.1.0", "app-store"),
  rel("RELEASE v2.1.0 to APP-STORE", "2.1.0", "app-store"),
  rel("RELEASE v2.1.0 to production", "2.1.0", "production"),

  // Versions as BRTOPS projects tag them (zero-padded), with and without "v", any case.
  rel("RELEASE v1.1.000 to GitHub", "1.1.000", "github"),
  rel("RELEASE v1.0.004 to GitHub", "1.0.004", "github"),
  rel("RELEASE v1.1.004-rc to Staging", "1.1.004-rc", "staging"),
  rel("RELEASE 1.1.1 to GitHub", "1.1.1", "github"),
  rel("RELEASE V2.1.0 TO PRODUCTION", "2.1.0", "production"),
  rel("release 2.1.0+build.5 to npm", "2.1.0+build.5", "npm"),
  rel("RELEASE v10.20.30 to Live", "10.20.30", "production"),
  ok("RELEASE MINOR to staging", "release", { versionType: "minor", environment: "staging" }),

  // Quotes, curly quotes, trailing punctuation, extra spaces, mixed case.
  rel("“RELEASE v2.1.0 to Production”", "2.1.0", "production"),
  rel("‘RELEASE v2.1.0 to Production’", "2.1.0", "production"),
  rel("'RELEASE v2.1.0 to Production'", "2.1.0", "production"),
  rel("`RELEASE v2.1.0 to Production`", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Production.", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Production!", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Production?!", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Production…", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to Production...", "2.1.0", "production"),
  rel(`"RELEASE v2.1.0 to Production."`, "2.1.0", "production"),
  rel(`"RELEASE v2.1.0 to Production"!`, "2.1.0", "production"),
  rel("   RELEASE    v2.1.0\t\tto   Production   ", "2.1.0", "production"),
  rel("RELEASE\u00a0v2.1.0\u00a0to\u00a0Production", "2.1.0", "production"),
  rel("rElEaSe V2.1.0 tO pRoD", "2.1.0", "production"),
  rel(`RELEASE "v2.1.0" to "Docker Hub"`, "2.1.0", "docker-hub"),
  rel("RELEASE “v2.1.0” to ‘App Store’", "2.1.0", "app-store"),
  rel("RELEASE v2.1.0, to Production", "2.1.0", "production"),
  ok("INIT RELEASE v1.1.000.", "init", { version: "1.1.000" }),

  // Close variants people type.
  rel("release 2.1.0 to prod", "2.1.0", "production", F.release),
  rel("release version 2.1.0 to prod", "2.1.0", "production", F.release),
  rel("Let's cut a v2.1.0 release to staging", "2.1.0", "staging", F.cut),
  rel("let’s cut a 2.1.0 release to staging", "2.1.0", "staging", F.cut),
  rel("lets cut a 2.1.0 release to Docker Hub", "2.1.0", "docker-hub", F.cut),
  rel("This is great let's cut a 2.1.0 release to Staging", "2.1.0", "staging", F.cut),
  rel("This is great! Let's cut a 2.1.0 release to Staging.", "2.1.0", "staging", F.cut),
  rel("this is great, let’s cut a v1.1.000 release to app store", "1.1.000", "app-store", F.cut),
  ok("Let's cut a minor release to staging", "release", { versionType: "minor", environment: "staging", form: F.cut }),
  rel("time to ship 2.1.0 to npm", "2.1.0", "npm", F.ship),
  rel("Time to ship v2.1.0 to GitHub!", "2.1.0", "github", F.ship),
  rel("It's time to ship version 2.1.0 to production", "2.1.0", "production", F.ship),
  rel("it’s time to ship version v3.0.0-beta to QA", "3.0.0-beta", "testing", F.ship),
  ok("Time to ship patch to Live", "release", { versionType: "patch", environment: "production", form: F.ship }),
  ok("init release v2.1.0 to staging", "init", { version: "2.1.0", environment: "staging", form: F.init }),
  ok("INIT RELEASE minor", "init", { versionType: "minor", form: F.init }),
  ok("go release!", "go", { form: F.go }),
  ok("GO RELEASE,", "go"),
  ok("GO RELEASE v2.1.0 to Production", "release", {
    version: "2.1.0",
    environment: "production",
    autoProceed: true,
    form: F.goRelease,
  }),
  ok("GO RELEASE minor to staging", "release", {
    versionType: "minor",
    environment: "staging",
    autoProceed: true,
    form: F.goRelease,
  }),
  ok("sitrep", "sitrep", { form: F.sitrep }),
  ok("SITREP?", "sitrep"),
  ok("release sitrep", "sitrep"),
  ok("SITREP RELEASE v2.1.0", "sitrep", { version: "2.1.0" }),
  ok("status", "status", { form: F.status }),
  ok("Release Status v1.1.000?", "status", { version: "1.1.000" }),
  ok("deploy status", "deployment-status"),
  ok("deployment status v2.1.0", "deployment-status", { version: "2.1.0" }),
  ok("rollback release", "rollback", { form: F.rollback }),
  ok("roll back release", "rollback"),
  ok("RELEASE ROLL-BACK", "rollback"),
  ok("release roll back v2.1.0", "rollback", { version: "2.1.0" }),
  ok("pause release", "pause"),
  ok("resume release.", "resume"),
  ok("abort release!", "abort"),
  ok("validate release", "validate"),
  ok("RELEASE ABORT v2.0.0-rc.1", "abort", { version: "2.0.0-rc.1" }),

  // Not a supported form: unknown phrase, with the closest form.
  err("RELEASE v2.1.0", "E_TRIGGER_UNKNOWN", F.release),
  err("RELEASE v2.1.0 to", "E_TRIGGER_UNKNOWN", F.release),
  err("releas v2.1.0 to prod", "E_TRIGGER_UNKNOWN", F.release),
  err("We should release v2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("release", "E_TRIGGER_UNKNOWN"),
  err("rollback", "E_TRIGGER_UNKNOWN", F.rollback),
  err("abort", "E_TRIGGER_UNKNOWN", F.abort),
  err("pause", "E_TRIGGER_UNKNOWN", F.pause),
  err("release rollbak", "E_TRIGGER_UNKNOWN", F.rollback),
  err("release rollbak now please", "E_TRIGGER_UNKNOWN", F.rollback),
  err("release stats", "E_TRIGGER_UNKNOWN", F.status),
  err("deployment", "E_TRIGGER_UNKNOWN", F.deploymentStatus),
  err("GO", "E_TRIGGER_UNKNOWN", F.go),
  err("INIT v2.1.0", "E_TRIGGER_UNKNOWN", F.init),
  err("Time to ship 2.1.0", "E_TRIGGER_UNKNOWN", F.ship),
  err("This is great, let's cut a 2.1.0 release", "E_TRIGGER_UNKNOWN", F.cut),
  err("This is great", "E_TRIGGER_UNKNOWN", F.cut),
  err("hello world", "E_TRIGGER_UNKNOWN"),
  err("", "E_TRIGGER_UNKNOWN"),
  err("   ", "E_TRIGGER_UNKNOWN"),
  err(`""`, "E_TRIGGER_UNKNOWN"),
  err("?!…", "E_TRIGGER_UNKNOWN"),

  // A recognised form with a bad version.
  err("RELEASE v2.1 to Production", "E_VERSION_INVALID"),
  err("RELEASE 2.1.0.0 to Production", "E_VERSION_INVALID"),
  err("RELEASE 1.0.0/../x to Staging", "E_VERSION_INVALID"),
  err("RELEASE 1.0.0;rm -rf / to Staging", "E_VERSION_INVALID"),
  err("RELEASE 2.1.0 && ls to Staging", "E_VERSION_INVALID"),
  err("INIT RELEASE 1.0.0;rm -rf /", "E_VERSION_INVALID"),
  err("INIT RELEASE 2.1.0 && ls", "E_VERSION_INVALID"),
  err("INIT RELEASE", "E_VERSION_INVALID"),
  err("RELEASE to Staging", "E_VERSION_INVALID"),
  err(`RELEASE "" to Staging`, "E_VERSION_INVALID"),
  err("RELEASE v to Staging", "E_VERSION_INVALID"),
  err("RELEASE latest to Staging", "E_VERSION_INVALID"),
  err("RELEASE v2.1.0-! to Staging", "E_VERSION_INVALID"),
  err("RELEASE 2.1.0|cat to npm", "E_VERSION_INVALID"),
  err("RELEASE 2.1.0`id` to npm", "E_VERSION_INVALID"),
  err("RELEASE ..\\..\\2.1.0 to npm", "E_VERSION_INVALID"),
  err("Time to ship version 2.1 to GitHub", "E_VERSION_INVALID"),
  err("let's cut a 2.1 release to staging", "E_VERSION_INVALID"),
  err("RELEASE STATUS v2.1", "E_VERSION_INVALID"),
  err("RELEASE ROLLBACK 2.1.0; rm -rf /", "E_VERSION_INVALID"),
  err("GO RELEASE 2.1.0.0 to production", "E_VERSION_INVALID"),
  err("RELEASE v2.1 to Mars", "E_VERSION_INVALID"),
  err("RELEASE $(rm -rf /) to staging", "E_VERSION_INVALID"),

  // A recognised form with an unknown environment.
  err("RELEASE v2.1.0 to Mars", "E_ENVIRONMENT_UNKNOWN"),
  err("RELEASE v2.1.0 to stagin", "E_ENVIRONMENT_UNKNOWN", "staging"),
  err("RELEASE v2.1.0 to prodution", "E_ENVIRONMENT_UNKNOWN", "production"),
  err("RELEASE v2.1.0 to docker", "E_ENVIRONMENT_UNKNOWN", "docker-hub"),
  err("RELEASE v2.1.0 to Production please to Staging", "E_ENVIRONMENT_UNKNOWN"),
  err("RELEASE v2.1.0 to the prodution environment", "E_ENVIRONMENT_UNKNOWN", "production"),
  err("ship 2.1.0 to the moon please", "E_ENVIRONMENT_UNKNOWN"),
  err("RELEASE v2.1.0 to ../../etc/passwd", "E_ENVIRONMENT_UNKNOWN"),
  err("RELEASE v2.1.0 to production; rm -rf /", "E_ENVIRONMENT_UNKNOWN"),
  err("RELEASE v2.1.0 to $(reboot)", "E_ENVIRONMENT_UNKNOWN"),
  err("RELEASE v2.1.0 to Production to Staging", "E_ENVIRONMENT_UNKNOWN"),
  err("INIT RELEASE v2.1.0 to the moon", "E_ENVIRONMENT_UNKNOWN"),
];

const typed = (phrase: string, versionType: ParsedTrigger["versionType"], environment: string, form?: string): Row =>
  ok(phrase, "release", { versionType, environment, ...(form === undefined ? {} : { form }) });
const goRel = (phrase: string, version: string, environment: string): Row =>
  ok(phrase, "release", { version, environment, autoProceed: true, form: F.goRelease });

/** The way people talk (issue 14): every phrasing the issue quotes, then others of the same kinds. */
const CHAT: Row[] = [
  // Quoted in the issue, verbatim.
  rel("Let's release v2.1.0 to Staging", "2.1.0", "staging", F.release),
  rel("Ship v2.1.0 to Production", "2.1.0", "production", F.ship),
  rel("OK, time to ship 2.1.0 to production", "2.1.0", "production", F.ship),
  rel("RELEASE v2.1.0 to the App Store", "2.1.0", "app-store", F.release),
  rel("RELEASE v2.1.0 to Production please", "2.1.0", "production", F.release),
  rel("RELEASE v2.1.0 to production environment", "2.1.0", "production", F.release),
  rel("release 2.1.0 to the npm registry", "2.1.0", "npm", F.release),
  goRel("GO RELEASE v2.1.0 to Staging", "2.1.0", "staging"),
  typed("RELEASE hotfix to Production", "hotfix", "production", F.releaseType),
  typed("RELEASE rc to Staging", "rc", "staging", F.releaseType),
  typed("RELEASE beta to Staging", "beta", "staging", F.releaseType),

  // Verbs: release, ship, deploy, cut, push out (and roll out).
  rel("deploy v2.1.0 to staging", "2.1.0", "staging", F.release),
  rel("Deploy 2.1.0 to Production", "2.1.0", "production", F.release),
  rel("deploy version 2.1.0 to prod", "2.1.0", "production", F.release),
  rel("ship 2.1.0 to npm", "2.1.0", "npm", F.ship),
  rel("ship version 2.1.0 to GitHub", "2.1.0", "github", F.ship),
  rel("SHIP V2.1.0 TO PRODUCTION", "2.1.0", "production", F.ship),
  rel("cut 2.1.0 to staging", "2.1.0", "staging", F.cut),
  rel("let's cut 2.1.0 to staging", "2.1.0", "staging", F.cut),
  rel("cut a new 2.1.0 release to staging", "2.1.0", "staging", F.cut),
  rel("cut v2.1.0 release to QA", "2.1.0", "testing", F.cut),
  rel("push out 2.1.0 to npm", "2.1.0", "npm", F.release),
  rel("push out v2.1.0 to the npm registry", "2.1.0", "npm", F.release),
  rel("push v2.1.0 out to npm", "2.1.0", "npm", F.release),
  rel("Push 2.1.0 to Docker Hub", "2.1.0", "docker-hub", F.release),
  rel("roll out 2.1.0 to production", "2.1.0", "production", F.release),
  rel("roll out v2.1.0 to Live", "2.1.0", "production", F.release),
  rel("release a new version 2.1.0 to staging", "2.1.0", "staging", F.release),

  // Fillers before: OK, great, I think it's time to, please, now, let's, so, alright.
  rel("OK release v2.1.0 to staging", "2.1.0", "staging"),
  rel("Okay, deploy 2.1.0 to staging", "2.1.0", "staging"),
  rel("Great, ship 2.1.0 to production", "2.1.0", "production"),
  rel("Great! Let's ship v2.1.0 to Production!", "2.1.0", "production"),
  rel("I think it's time to release v2.1.0 to production", "2.1.0", "production"),
  rel("I think it’s time to ship 2.1.0 to the App Store", "2.1.0", "app-store"),
  rel("i think its time to deploy 2.1.0 to staging", "2.1.0", "staging"),
  rel("please release v2.1.0 to staging", "2.1.0", "staging"),
  rel("Please deploy 2.1.0 to production.", "2.1.0", "production"),
  rel("now release 2.1.0 to staging", "2.1.0", "staging"),
  rel("Let's deploy v2.1.0 to UAT", "2.1.0", "staging"),
  rel("let us release 2.1.0 to staging", "2.1.0", "staging"),
  rel("lets ship 2.1.0 to npm", "2.1.0", "npm"),
  rel("So, let's release 2.1.0 to staging", "2.1.0", "staging"),
  rel("Alright, time to ship 2.1.0 to prod", "2.1.0", "production"),
  rel("OK great, let's cut a 2.1.0 release to staging", "2.1.0", "staging", F.cut),
  rel("OK, great, I think it's time to ship 2.1.0 to production, please", "2.1.0", "production", F.ship),
  rel("It's time to deploy 2.1.0 to staging", "2.1.0", "staging"),
  rel("time to push out 2.1.0 to npm", "2.1.0", "npm"),
  rel("go ahead and release 2.1.0 to staging", "2.1.0", "staging"),
  rel("“OK, time to ship 2.1.0 to production”", "2.1.0", "production"),

  // Fillers after: please, now, thanks.
  rel("release 2.1.0 to staging now", "2.1.0", "staging"),
  rel("release 2.1.0 to staging please", "2.1.0", "staging"),
  rel("release 2.1.0 to staging, please", "2.1.0", "staging"),
  rel("ship 2.1.0 to production now please", "2.1.0", "production"),
  rel("deploy 2.1.0 to production, thanks", "2.1.0", "production"),
  rel("deploy 2.1.0 to production, thank you!", "2.1.0", "production"),
  rel("Please release v2.1.0 to Production please", "2.1.0", "production"),

  // Articles and nouns around the target.
  rel("release 2.1.0 to the staging environment", "2.1.0", "staging"),
  rel("release 2.1.0 to the staging env", "2.1.0", "staging"),
  rel("ship 2.1.0 to the production environment please", "2.1.0", "production"),
  rel("ship 2.1.0 to the production servers", "2.1.0", "production"),
  rel("release 2.1.0 to the production cluster", "2.1.0", "production"),
  rel("deploy 2.1.0 to our staging", "2.1.0", "staging"),
  rel("release 2.1.0 to the npm registry now", "2.1.0", "npm"),
  rel("release 2.1.0 to npm registry", "2.1.0", "npm"),
  rel("push out 2.1.0 to the Docker Hub registry", "2.1.0", "docker-hub"),
  rel("release 2.1.0 to the appstore", "2.1.0", "app-store"),
  rel("ship 2.1.0 to the App Store please", "2.1.0", "app-store"),
  rel("release 2.1.0 to App Store", "2.1.0", "app-store"),
  rel("release 2.1.0 to the QA environment", "2.1.0", "testing"),
  rel("release 2.1.0 to the GitHub", "2.1.0", "github"),
  rel("RELEASE v2.1.0 to Production environment please", "2.1.0", "production"),
  rel("RELEASE v2.1.0 to the Live environment", "2.1.0", "production"),

  // Arrows for "to".
  rel("RELEASE v2.1.0 -> Production", "2.1.0", "production", F.release),
  rel("RELEASE v2.1.0 → Production", "2.1.0", "production", F.release),
  rel("RELEASE v2.1.0 => staging", "2.1.0", "staging", F.release),
  rel("release 2.1.0->staging", "2.1.0", "staging"),
  rel("release v2.1.0→prod", "2.1.0", "production"),
  rel("ship 2.1.0 -> the npm registry", "2.1.0", "npm"),
  rel("deploy v3.0.0-rc.1 -> staging", "3.0.0-rc.1", "staging"),
  typed("RELEASE minor -> Staging", "minor", "staging", F.releaseType),

  // Version types: bumps, and pre-releases of the next patch (hotfix) or minor (rc, beta).
  typed("release hotfix to production", "hotfix", "production"),
  typed("RELEASE HOTFIX to Prod", "hotfix", "production"),
  typed("release a hotfix to production", "hotfix", "production"),
  typed("ship a hotfix to production now", "hotfix", "production", F.ship),
  typed("release an rc to staging", "rc", "staging"),
  typed("cut an rc to staging", "rc", "staging", F.cut),
  typed("let's cut a beta release to QA", "beta", "testing", F.cut),
  typed("release beta to the App Store", "beta", "app-store"),
  typed("RELEASE rc -> Staging", "rc", "staging"),
  typed("deploy a new minor version to staging", "minor", "staging"),
  typed("release patch to npm", "patch", "npm"),
  typed("ship major to production", "major", "production", F.ship),
  typed("Let's release a major to production please", "major", "production"),
  typed("RELEASE beta to Beta", "beta", "testing"),

  // GO RELEASE: the request and the auto-proceed grant in one phrase.
  goRel("GO RELEASE 2.1.0 to staging", "2.1.0", "staging"),
  goRel("go release v2.1.0 to the staging environment", "2.1.0", "staging"),
  goRel("OK, GO RELEASE v2.1.0 to Staging", "2.1.0", "staging"),
  goRel("GO RELEASE v2.1.0 -> Production", "2.1.0", "production"),
  goRel("GO RELEASE v2.1.0 to production please", "2.1.0", "production"),
  ok("GO RELEASE rc to staging", "release", {
    versionType: "rc",
    environment: "staging",
    autoProceed: true,
    form: F.goRelease,
  }),
  ok("GO RELEASE now", "go", { form: F.go }),
  ok("OK, GO RELEASE", "go", { form: F.go }),
  ok("GO RELEASE please", "go", { form: F.go }),

  // Fillers around the other commands.
  ok("RELEASE STATUS please", "status", { form: F.status }),
  ok("OK, release status", "status"),
  ok("SITREP RELEASE now", "sitrep", { form: F.sitrep }),
  ok("sitrep please", "sitrep"),
  ok("please pause release", "pause"),
  ok("OK, RELEASE ABORT now", "abort"),
  ok("please roll back release v2.1.0", "rollback", { version: "2.1.0" }),
  ok("deployment status please", "deployment-status"),
  ok("INIT RELEASE v2.1.0 please", "init", { version: "2.1.0" }),
  ok("Let's init release v2.1.0 to the staging environment", "init", { version: "2.1.0", environment: "staging" }),
  ok("RELEASE VALIDATE now", "validate"),

  // Configured environments are read the same way (the default catalog here).
  rel("release 2.1.0 to docker hub", "2.1.0", "docker-hub"),
  rel("ship 2.1.0 to the docker_hub registry", "2.1.0", "docker-hub"),
  rel("release v1.1.000 to the staging environment", "1.1.000", "staging"),
  rel("Time to ship version v1.5.2-hotfix to Production please", "1.5.2-hotfix", "production"),

  // Not a release: refused, whatever words it shares with one.
  err("We should release v2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("we released v2.1.0 to production yesterday", "E_TRIGGER_UNKNOWN"),
  err("did you ship 2.1.0 to prod?", "E_TRIGGER_UNKNOWN"),
  err("don't release 2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("do not deploy 2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("never deploy on a Friday to production", "E_TRIGGER_UNKNOWN"),
  err("let's not release 2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("should we release 2.1.0 to prod", "E_TRIGGER_UNKNOWN"),
  err("who released 2.1.0 to staging", "E_TRIGGER_UNKNOWN"),
  err("shipping 2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("releasing v2.1.0 to staging now", "E_TRIGGER_UNKNOWN"),
  err("I think we should ship 2.1.0 to production", "E_TRIGGER_UNKNOWN"),
  err("I think so", "E_TRIGGER_UNKNOWN"),
  err("OK", "E_TRIGGER_UNKNOWN"),
  err("great", "E_TRIGGER_UNKNOWN"),
  err("please", "E_TRIGGER_UNKNOWN"),
  err("OK, great, please, now", "E_TRIGGER_UNKNOWN"),
  err("thanks", "E_TRIGGER_UNKNOWN"),
  err("ship it", "E_TRIGGER_UNKNOWN", F.ship),
  err("ship it!", "E_TRIGGER_UNKNOWN", F.ship),
  err("let's ship", "E_TRIGGER_UNKNOWN", F.ship),
  err("deploy", "E_TRIGGER_UNKNOWN"),
  err("deploy now", "E_TRIGGER_UNKNOWN"),
  err("push it out", "E_TRIGGER_UNKNOWN"),
  err("release 2.1.0", "E_TRIGGER_UNKNOWN", F.release),
  err("OK, release 2.1.0 please", "E_TRIGGER_UNKNOWN", F.release),
  err("ship 2.1.0 now", "E_TRIGGER_UNKNOWN", F.ship),
  err("deploy 2.1.0 ->", "E_TRIGGER_UNKNOWN", F.release),
  err("release 2.1.0 to", "E_TRIGGER_UNKNOWN", F.release),
  err("GO RELEASE v2.1.0", "E_TRIGGER_UNKNOWN"),
  err("GO 2.1.0 to staging", "E_TRIGGER_UNKNOWN"),
  err("release notes for 2.1.0", "E_TRIGGER_UNKNOWN"),
  err("the release is done", "E_TRIGGER_UNKNOWN"),
  err("thanks for the release to staging", "E_TRIGGER_UNKNOWN"),
  err("time to go home", "E_TRIGGER_UNKNOWN"),
  err("time to ship", "E_TRIGGER_UNKNOWN", F.ship),
  err("it's time", "E_TRIGGER_UNKNOWN"),
  err("push to main", "E_TRIGGER_UNKNOWN"),
  err("hello, can you help me?", "E_TRIGGER_UNKNOWN"),
  err("release the kraken", "E_TRIGGER_UNKNOWN"),
  err("status report on the migration", "E_TRIGGER_UNKNOWN"),
  err("abort", "E_TRIGGER_UNKNOWN", F.abort),
  err("please rollback", "E_TRIGGER_UNKNOWN", F.rollback),
  err("pause now", "E_TRIGGER_UNKNOWN", F.pause),
  err("OK, resume", "E_TRIGGER_UNKNOWN", F.resume),

  // A recognised request with a bad version or an unknown target: refused with what is wrong.
  err("ship it to production", "E_VERSION_INVALID"),
  err("release the kraken to production", "E_VERSION_INVALID"),
  err("deploy latest to staging", "E_VERSION_INVALID"),
  err("release alpha to staging", "E_VERSION_INVALID"),
  err("release hotfix 2.1.0 to production", "E_VERSION_INVALID"),
  err("release to staging please", "E_VERSION_INVALID"),
  err("release 2.1 to the staging environment", "E_VERSION_INVALID"),
  err("push out 2.1.0; rm -rf / to npm", "E_VERSION_INVALID"),
  err("GO RELEASE 2.1 to staging", "E_VERSION_INVALID"),
  err("ship 2.1.0 to the moon", "E_ENVIRONMENT_UNKNOWN"),
  err("release 2.1.0 to the staging environment and production", "E_ENVIRONMENT_UNKNOWN"),
  err("release 2.1.0 to stagin please", "E_ENVIRONMENT_UNKNOWN", "staging"),
  err("release 2.1.0 to the prod servers in europe", "E_ENVIRONMENT_UNKNOWN"),
  err("release 2.1.0 to the registry", "E_ENVIRONMENT_UNKNOWN"),
  err("release 2.1.0 to the environment", "E_ENVIRONMENT_UNKNOWN"),
  err("release 2.1.0 to please", "E_TRIGGER_UNKNOWN", F.release),
  err("deploy 2.1.0 -> -> staging", "E_ENVIRONMENT_UNKNOWN"),
];

function attempt(phrase: string, catalog?: EnvironmentCatalog): ParsedTrigger | BrtopsError {
  try {
    return parseTrigger(phrase, catalog);
  } catch (e) {
    if (e instanceof BrtopsError) return e;
    throw e;
  }
}

describe("parseTrigger: the grammar table", () => {
  it("has at least 150 rows, positive and negative", () => {
    expect(ROWS.length + CHAT.length).toBeGreaterThanOrEqual(250);
    expect(CHAT.length).toBeGreaterThanOrEqual(150);
    expect(CHAT.filter((r) => "error" in r.expect).length).toBeGreaterThanOrEqual(40);
  });

  it.each([...ROWS, ...CHAT].map((r) => [r.phrase, r] as const))("%j", (_label, row) => {
    const got = attempt(row.phrase);
    if ("error" in row.expect) {
      expect(got).toBeInstanceOf(BrtopsError);
      const e = got as BrtopsError;
      expect(e.code).toBe(row.expect.error);
      if (row.expect.closest !== undefined) expect(e.details?.["closest"]).toBe(row.expect.closest);
      if (row.expect.envClosest !== undefined) expect(e.details?.["closest"]).toBe(row.expect.envClosest);
      return;
    }
    expect(got).not.toBeInstanceOf(BrtopsError);
    const t = got as ParsedTrigger;
    const { form, ...want } = row.expect;
    const wanted = Object.fromEntries(Object.entries(want).filter(([, v]) => v !== undefined && v !== ""));
    expect({
      command: t.command,
      version: t.version,
      versionType: t.versionType,
      environment: t.environment,
      autoProceed: t.autoProceed,
    }).toEqual(wanted);
    if (form !== undefined) expect(t.form).toBe(form);
    expect(t.input).toBe(row.phrase);
  });

  it("only ever returns a known command, a valid version and a canonical environment", () => {
    const canonical = buildEnvironmentCatalog().canonical;
    for (const row of [...ROWS, ...CHAT]) {
      const got = attempt(row.phrase);
      if (got instanceof BrtopsError) continue;
      expect(TRIGGER_COMMANDS).toContain(got.command);
      expect(SUPPORTED_FORMS).toContain(got.form);
      if (got.version !== undefined) expect(got.version).toMatch(VERSION_RE);
      if (got.environment !== undefined) expect(canonical).toContain(got.environment);
    }
  });
});

describe("parseTrigger: supported forms", () => {
  it("lists exactly the spec's phrases", () => {
    expect(SUPPORTED_FORMS).toEqual(Object.values(F));
    expect(Object.isFrozen(SUPPORTED_FORMS)).toBe(true);
  });

  it("reads each form filled in with an example", () => {
    const filled = SUPPORTED_FORMS.map((f) =>
      f
        .replace("{version-type}", "minor")
        .replace("v{version}", "v1.2.3")
        .replace("{version}", "1.2.3")
        .replace(/\{(target|environment)\}/, "Staging"),
    );
    const commands = filled.map((p) => parseTrigger(p).command);
    expect(new Set(commands)).toEqual(new Set(TRIGGER_COMMANDS));
    filled.forEach((p, i) => expect(parseTrigger(p).form).toBe(SUPPORTED_FORMS[i]));
  });
});

describe("parseTrigger: configured environments", () => {
  // The shape the project's brtops.config.yaml produces, parsed by the real schema.
  const config = configSchema.parse({
    leads: { hum: ["alice"] },
    environments: {
      "eu-west": { aliases: ["Europe", "EU West 1"] },
      production: { aliases: ["prd", "Main Site"] },
      beta: { aliases: ["Early Access"] },
      "internal-mirror": {},
    },
  });
  const catalog = buildEnvironmentCatalog(config.environments);

  it.each([
    ["RELEASE v2.1.0 to Europe", "eu-west"],
    ["RELEASE v2.1.0 to eu west", "eu-west"],
    ["RELEASE v2.1.0 to EU_WEST", "eu-west"],
    ["RELEASE v2.1.0 to EU West 1", "eu-west"],
    ["RELEASE v2.1.0 to prd", "production"],
    ["Time to ship version 2.1.0 to “Main Site”!", "production"],
    ["RELEASE v2.1.0 to Prod", "production"],
    ["RELEASE v2.1.0 to beta", "beta"],
    ["let's cut a 2.1.0 release to early-access", "beta"],
    ["RELEASE v2.1.0 to QA", "testing"],
    ["RELEASE v2.1.0 to internal mirror", "internal-mirror"],
    ["RELEASE minor to Docker Hub", "docker-hub"],
  ])("%j → %s", (phrase, environment) => {
    expect(parseTrigger(phrase, catalog).environment).toBe(environment);
  });

  it("names configured environments and aliases in the unknown-environment error", () => {
    const e = attempt("RELEASE v2.1.0 to Eurpe", catalog) as BrtopsError;
    expect(e.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(e.details?.["closest"]).toBe("eu-west");
    expect(e.message).toContain("Did you mean eu-west?");
    expect(e.message).toContain("eu-west (Europe, EU West 1)");
    expect(e.message).toContain("internal-mirror");
    expect(e.details?.["known"]).toEqual(catalog.canonical);
  });

  it("does not know a configured environment without the config", () => {
    expect((attempt("RELEASE v2.1.0 to Europe") as BrtopsError).code).toBe("E_ENVIRONMENT_UNKNOWN");
  });
});

describe("parseTrigger: errors say what to do", () => {
  it("shows the release form when the target is missing", () => {
    const e = attempt("RELEASE v2.1.0") as BrtopsError;
    expect(e.code).toBe("E_TRIGGER_UNKNOWN");
    expect(e.message).toContain(`Closest supported form: "RELEASE v{version} to {target}"`);
    expect(e.hint).toContain(
      `Write it as "RELEASE v{version} to {target}", for example "RELEASE v2.1.0 to Production"`,
    );
    expect(e.details).toMatchObject({ closest: F.release, forms: [...SUPPORTED_FORMS] });
  });

  it("shows the closest management form for a near miss", () => {
    const e = attempt("release rollbak") as BrtopsError;
    expect(e.message).toContain(`"release rollbak" is not a supported RELEASE trigger`);
    expect(e.message).toContain(`"RELEASE ROLLBACK"`);
    for (const f of SUPPORTED_FORMS) expect(e.hint).toContain(f);
  });

  it("names the bad version and the form it was read from", () => {
    const e = attempt("RELEASE 1.0.0/../x to Staging") as BrtopsError;
    expect(e.code).toBe("E_VERSION_INVALID");
    expect(e.message).toContain(`"1.0.0/../x" is not a release version`);
    expect(e.message).toContain(F.release);
    expect(e.hint).toContain("MAJOR.MINOR.PATCH");
    expect(e.details).toEqual({ given: "1.0.0/../x", form: F.release });
  });

  it("says when no version was given", () => {
    const e = attempt("INIT RELEASE") as BrtopsError;
    expect(e.message).toContain("names no version");
    expect(e.message).toContain(F.init);
  });

  it("lists the known environments with their aliases", () => {
    const e = attempt("RELEASE v2.1.0 to Mars") as BrtopsError;
    expect(e.message).toContain(`Unknown environment "Mars"`);
    for (const part of [
      "production (Prod, Live)",
      "staging (Stage, UAT)",
      "testing (QA, Beta)",
      "github",
      "npm",
      "docker-hub (Docker Hub, dockerhub)",
      "app-store (App Store, appstore)",
    ]) {
      expect(e.message).toContain(part);
    }
    expect(e.details?.["known"]).toEqual([
      "production",
      "staging",
      "testing",
      "github",
      "npm",
      "docker-hub",
      "app-store",
    ]);
    expect(e.details).not.toHaveProperty("closest");
  });

  it("never puts terminal control characters from the input into a message", () => {
    for (const phrase of [
      "RELEASE v2.1.0 to \u001b[31mprod",
      "RELEASE 2.1.0\u001b]0;x\u0007 to prod",
      "\u202eRELEASE\u0000 now",
    ]) {
      const e = attempt(phrase) as BrtopsError;
      expect(e).toBeInstanceOf(BrtopsError);
      expect(`${e.message}${e.hint ?? ""}${JSON.stringify(e.details)}`).not.toMatch(
        /[\u0000-\u0008\u000b-\u001f\u202e]/,
      );
    }
  });
});

describe("parseTrigger: hostile and huge input", () => {
  const big = 100_000;
  const huge: [string, string][] = [
    ["a run of letters", "RELEASE v2.1.0 to " + "a".repeat(big)],
    ["a run of dots before a letter", ".".repeat(big) + "x"],
    ["only spaces", " ".repeat(big)],
    ["only quotes", '"'.repeat(big)],
    ["only curly quotes and ellipses", "“…".repeat(big / 2)],
    ["a version of dots", "RELEASE " + "1.".repeat(big / 2) + "0 to staging"],
    ["many 'to's", "to ".repeat(big / 3)],
    ["many 'release's", "release ".repeat(big / 8)],
    ["nested hyphens", "RELEASE 1.0.0-" + "a-".repeat(big / 2) + "! to staging"],
  ];

  it.each(huge)("refuses %s quickly with a short message", (_label, phrase) => {
    const e = attempt(phrase) as BrtopsError;
    expect(e.code).toBe("E_TRIGGER_UNKNOWN");
    expect(e.message).toContain("too long");
    expect(e.message.length + (e.hint ?? "").length).toBeLessThan(2_000);
  });

  // Just under the limit the whole grammar runs; every shape must still come back.
  const n = MAX_TRIGGER_LENGTH - 40;
  it.each([
    ["RELEASE " + "1.".repeat(n / 2) + "0 to staging", "E_VERSION_INVALID"],
    ["RELEASE 1.0.0-" + "a.".repeat(n / 2) + "! to staging", "E_VERSION_INVALID"],
    ["RELEASE v2.1.0 to " + "x ".repeat(n / 2), "E_ENVIRONMENT_UNKNOWN"],
    ["RELEASE v2.1.0 to " + "docker".repeat(n / 6), "E_ENVIRONMENT_UNKNOWN"],
    [".".repeat(n) + "x", "E_TRIGGER_UNKNOWN"],
    ["release ".repeat(n / 8), "E_TRIGGER_UNKNOWN"],
    ["to ".repeat(n / 3), "E_TRIGGER_UNKNOWN"],
    ["rollbak ".repeat(n / 8), "E_TRIGGER_UNKNOWN"],
    ['"'.repeat(n), "E_TRIGGER_UNKNOWN"],
  ])("long but allowed input %#: %s", (phrase, code) => {
    const e = attempt(phrase) as BrtopsError;
    expect(e.code).toBe(code);
    expect(e.message.length).toBeLessThan(800);
  });

  it("accepts a phrase of exactly the maximum length and refuses one character more", () => {
    const base = "RELEASE v2.1.0 to Production";
    const padded = base + " ".repeat(MAX_TRIGGER_LENGTH - base.length);
    expect(parseTrigger(padded).environment).toBe("production");
    expect((attempt(padded + " ") as BrtopsError).code).toBe("E_TRIGGER_UNKNOWN");
  });

  it("treats a non-string as an empty phrase", () => {
    expect((attempt(undefined as unknown as string) as BrtopsError).code).toBe("E_TRIGGER_UNKNOWN");
  });
});

describe("parseTrigger: an unknown phrase is answered with the closest forms", () => {
  it.each([
    ["release 2.1.0", "RELEASE v2.1.0 to {target}"],
    ["OK, release 2.1.0 please", "RELEASE v2.1.0 to {target}"],
    ["ship 2.1.0 now", "Time to ship version 2.1.0 to {target}"],
    ["release rc", "RELEASE rc to {environment}"],
    ["GO RELEASE v2.1.0", "GO RELEASE v2.1.0 to {target}"],
    ["release rollbak", "RELEASE ROLLBACK"],
  ])("%j → %j first", (phrase, first) => {
    const e = attempt(phrase) as BrtopsError;
    expect(e.code).toBe("E_TRIGGER_UNKNOWN");
    const suggestions = e.details?.["suggestions"] as string[];
    expect(suggestions[0]).toBe(first);
    expect(suggestions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(suggestions).size).toBe(suggestions.length);
    expect(e.message).toContain(`Did you mean "${first}"`);
  });

  it("offers a phrase naming a version no version-type form, and a typed one no version form", () => {
    const v = (attempt("release 2.1.0") as BrtopsError).details?.["suggestions"] as string[];
    expect(v).not.toContain("RELEASE {version-type} to {environment}");
    const t = (attempt("release minor") as BrtopsError).details?.["suggestions"] as string[];
    expect(t[0]).toBe("RELEASE minor to {environment}");
    expect(t.some((s) => s.startsWith("RELEASE v{version}"))).toBe(false);
  });
});

describe("what a version type means (intel/version-validate)", () => {
  it.each([
    ["minor", "v1.0.0", "1.1.0"],
    ["hotfix", "v1.0.0", "1.0.1-hotfix.1"],
    ["hotfix", "v1.0.1-hotfix.1", "1.0.1-hotfix.2"],
    ["rc", "v1.0.0", "1.1.0-rc.1"],
    ["rc", "v1.1.0-rc.1", "1.1.0-rc.2"],
    ["rc", "v1.0.1-hotfix.2", "1.1.0-rc.1"],
    ["beta", "v2.3.4", "2.4.0-beta.1"],
    ["beta", "v1.1.004", "1.2.000-beta.1"],
    ["rc", "v1.2.000-rc.1", "1.2.000-rc.2"],
    ["hotfix", null, "0.0.1-hotfix.1"],
    ["rc", null, "0.1.0-rc.1"],
  ] as const)("%s after %s → %s", (type, previous, next) => {
    expect(resolveVersionType(type, previous)).toBe(next);
  });
});
