/**
 * `{version}`, `{previous}`, `{environment}`, `{commit}` (the release commit) and `{package}` (the
 * folder of the approved package's stored artifacts) in argument arrays, URLs, headers and bodies.
 * Pure. Other braces are left alone (JSON bodies, shell-looking text inside an argument).
 */
import { BrtopsError } from "../core/errors.js";

export interface SubstitutionVars {
  version: string;
  /** The version deployed before this one; null for a first release. */
  previous: string | null;
  environment: string;
  /** The release commit (set once phase 2 fixed the package). */
  commit?: string | null;
  /** Absolute folder of the approved package's stored artifacts (set once phase 2 fixed the package). */
  package?: string | null;
}

const PLACEHOLDER = /\{(version|previous|environment|commit|package)\}/g;

/** Replaces the placeholders in one string. Example: `substitute("app@{version}", vars)` → `"app@2.1.0"`. */
export function substitute(text: string, vars: SubstitutionVars, where = "a step"): string {
  return text.replace(PLACEHOLDER, (_m, key: keyof SubstitutionVars) => {
    const v = vars[key];
    if ((key === "commit" || key === "package") && (v === null || v === undefined)) {
      throw new BrtopsError(
        "E_NO_PACKAGE",
        `${where} uses {${key}}, but no package has been fixed yet (phase 2, step 2.4, fixes it).`,
        {
          hint: `Use {${key}} only in steps that run after phase 2 (tests, deployment, validation).`,
          details: { where },
        },
      );
    }
    if (v === null || v === undefined) {
      throw new BrtopsError(
        "E_NO_PREVIOUS_VERSION",
        `${where} uses {previous}, but there is no earlier release to go back to.`,
        {
          hint: "Tag the version that is deployed now (git tag v1.2.3), or remove {previous} from this step.",
          details: { where },
        },
      );
    }
    return v;
  });
}

/** Substitutes every string inside a value (arrays and plain objects included). */
export function substituteDeep<T>(value: T, vars: SubstitutionVars, where = "a step"): T {
  if (typeof value === "string") return substitute(value, vars, where) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => substituteDeep(v, vars, where)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteDeep(v, vars, where);
    return out as T;
  }
  return value;
}

/** True when the text uses `{previous}` (a step that cannot run on a first release). */
export function usesPrevious(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes("{previous}");
}

/**
 * The text as a person is shown it (progress lines, the deployment plan, effect labels): each
 * placeholder replaced by its value, never thrown over — a missing {previous} reads "(no previous
 * version)", and {commit}/{package} before phase 2 fixed the package stay as written.
 * Example: `shownText("./deploy.sh {version}", vars)` → `"./deploy.sh 2.1.0"`.
 */
export function shownText(text: string, vars: SubstitutionVars): string {
  return text.replace(PLACEHOLDER, (m, key: keyof SubstitutionVars) => {
    const v = vars[key];
    if (v !== null && v !== undefined) return v;
    return key === "previous" ? "(no previous version)" : m;
  });
}
