/**
 * CONSOLIDATE (the approval loop's step 7, the gate's x.10 report): the report a HUM LEAD decides
 * on includes the feedback and answers given at the gate and what was done about each; feedback
 * nobody has responded to yet, and questions not answered yet, are findings of the gate (warnings:
 * they block GO RELEASE's auto-approval and are shown with the gate's own findings). Pure.
 */
import type { Finding } from "./events.js";
import type { Feedback, Question, ReleaseState } from "./release-state.js";

/** The feedback and questions that belong to the open gate: given on its phase or since it opened. */
export function gateConversation(s: ReleaseState): { feedback: Feedback[]; questions: Question[] } {
  const g = s.gate;
  if (!g) return { feedback: [], questions: [] };
  return {
    feedback: s.feedback.filter((f) => f.seq > g.openedSeq || f.phase === g.phase),
    questions: s.questions.filter((q) => q.seq > g.openedSeq || q.phase === g.phase),
  };
}

/** Findings of the conversation at the open gate: open feedback (FEEDBACK_OPEN) and unanswered questions (QUESTION_OPEN). */
export function consolidationFindings(s: ReleaseState): Finding[] {
  const { feedback, questions } = gateConversation(s);
  return [
    ...feedback
      .filter((f) => !f.response)
      .map((f): Finding => ({
        severity: "warning",
        code: "FEEDBACK_OPEN",
        message: `Feedback ${f.id} from ${f.actor.id} has no response yet: "${f.text}" (brtops respond ${f.id} "…")`,
        source: `step ${f.step}`,
      })),
    ...questions
      .filter((q) => !q.answer)
      .map((q): Finding => ({
        severity: "warning",
        code: "QUESTION_OPEN",
        message: `Question ${q.id} from ${q.actor.id} is not answered yet: "${q.text}" (brtops answer ${q.id} "…")`,
        source: `step ${q.step}`,
      })),
  ];
}

/** The open gate's findings as the HUM LEAD decides on them: the phase's own and the conversation's. */
export function gateFindings(s: ReleaseState): Finding[] {
  return s.gate ? [...s.gate.findings, ...consolidationFindings(s)] : [];
}

/** The consolidation's lines under the gate's report: each piece of feedback and each question, and what was done about it. */
export function consolidationLines(s: ReleaseState): string[] {
  const g = s.gate;
  const { feedback, questions } = gateConversation(s);
  if (!g || (feedback.length === 0 && questions.length === 0)) return [];
  const lines = ["", `CONSOLIDATED (${g.step}): the report above with the feedback and answers given at this gate`];
  if (feedback.length) {
    lines.push("", "Feedback:");
    for (const f of feedback)
      lines.push(
        `  - ${f.id} ${f.actor.id}: ${f.text}`,
        f.response ? `      done: ${f.response}` : "      OPEN — no response yet (a finding)",
      );
  }
  if (questions.length) {
    lines.push("", "Questions:");
    for (const q of questions)
      lines.push(
        `  - ${q.id} ${q.actor.id}: ${q.text}`,
        q.answer
          ? `      answer (${q.answer.actor.id}): ${q.answer.text}`
          : "      OPEN — waiting for an answer (a finding)",
      );
  }
  const open = consolidationFindings(s);
  lines.push(
    "",
    open.length
      ? `Open from the conversation: ${open.map((f) => f.code).join(", ")} (${open.length}).`
      : "Everything raised at this gate has been responded to.",
  );
  return lines;
}
