/** Who may take an action, in words and as roles — asked of core/authority, never restated. */
import { authorize, type Action } from "../core/authority.js";

const PROBE = { hum: ["h"], ai: ["a"], members: ["m"], emergency: ["e"] };

export type RoleName = "hum-lead" | "ai-lead" | "member" | "emergency";

function may(id: string, action: Action, emergency = false): boolean {
  try {
    authorize(PROBE, id, action, undefined, emergency ? { emergency: true, choice: "rollback" } : undefined);
    return true;
  } catch {
    return false;
  }
}

/** The roles that may take an action (an emergency contact's only during a failing deployment); null: anyone (reading). */
export function rolesFor(action: Action): RoleName[] | null {
  if (action === "read") return null;
  return [
    ...(may("h", action) ? (["hum-lead"] as const) : []),
    ...(may("a", action) ? (["ai-lead"] as const) : []),
    ...(may("m", action) ? (["member"] as const) : []),
    ...(may("e", action, true) ? (["emergency"] as const) : []),
  ];
}

/** Who may take it, for help texts: "HUM LEAD", "HUM LEAD or AI LEAD", "anyone named in brtops.config.yaml". */
export function whoMay(action: Action | null): string {
  if (action === null || action === "read") return "anyone (it records nothing)";
  const roles = rolesFor(action) ?? [];
  const people = roles.filter((r) => r !== "emergency");
  const always = roles.includes("emergency") && may("e", action);
  const words = people.length === 3 && always ? ["anyone named in brtops.config.yaml"] : people.map((r) => LABEL[r]);
  if (roles.includes("emergency") && !(people.length === 3 && always))
    words.push(always ? "an emergency contact" : "an emergency contact during a failing deployment");
  return words.join(" or ");
}

const LABEL: Record<RoleName, string> = {
  "hum-lead": "HUM LEAD",
  "ai-lead": "AI LEAD",
  member: "member",
  emergency: "emergency contact",
};
