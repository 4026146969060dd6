/** The feedback and question thread (built from the audit log's events) and its forms. */
import type { DecisionAnswer } from "./api-types.js";
import { api, can, failMessage, me, toast } from "./app-state.js";
import { badge, clear, enc, h, when } from "./dom.js";
import { manage } from "./manage.js";
import { update } from "./release-page.js";
import { isFinished, type ReleasePage } from "./release-page-state.js";

export function feedbackForm(P: ReleasePage): HTMLFormElement {
  const text = h("textarea", {
    name: "text",
    id: "feedback-text",
    required: true,
    placeholder: "Feedback for this step",
  });
  const btn = h("button", { class: "btn", type: "submit", id: "feedback-send" }, "Add feedback");
  return h(
    "form",
    {
      id: "feedback-form",
      hidden: true,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        btn.disabled = true;
        api<DecisionAnswer>("POST", `/api/releases/${enc(P.version)}/feedback`, {
          step: P.status?.step,
          text: text.value,
        })
          .then(
            (s) => {
              text.value = "";
              toast("Feedback recorded.");
              update(P, s);
            },
            (e: unknown) => toast(failMessage(e), true),
          )
          .finally(() => (btn.disabled = false));
      },
    },
    h("label", null, "Your feedback", text),
    h("div", { class: "row" }, btn),
  );
}

function answerForm(P: ReleasePage, id: string): HTMLFormElement {
  const kept = P.answerForms.get(id);
  if (kept) return kept;
  const text = h("textarea", { name: "text", required: true, placeholder: "Your answer" });
  const btn = h("button", { class: "btn", type: "submit" }, `Answer ${id}`);
  const form = h(
    "form",
    {
      class: "answer-form",
      "data-question": id,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        btn.disabled = true;
        api<DecisionAnswer>("POST", `/api/releases/${enc(P.version)}/answer`, { id, text: text.value })
          .then(
            (s) => {
              toast(`Answer to ${id} recorded.`);
              update(P, s);
            },
            (e: unknown) => toast(failMessage(e), true),
          )
          .finally(() => (btn.disabled = false));
      },
    },
    text,
    h("div", { class: "row" }, btn),
  );
  P.answerForms.set(id, form);
  return form;
}

/** The AI LEAD's reply to a HUM LEAD's feedback (POST …/respond), kept across redraws like the answer forms. */
function respondForm(P: ReleasePage, id: string): HTMLFormElement {
  const kept = P.respondForms.get(id);
  if (kept) return kept;
  const text = h("textarea", { name: "text", required: true, placeholder: "How the feedback is addressed" });
  const btn = h("button", { class: "btn", type: "submit" }, `Respond to ${id}`);
  const form = h(
    "form",
    {
      class: "respond-form",
      "data-feedback": id,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void manage(P, "respond", { id, text: text.value }, [btn]).then((r) => {
          if (r) text.value = "";
        });
      },
    },
    text,
    h("div", { class: "row" }, btn),
  );
  P.respondForms.set(id, form);
  return form;
}

/** The AI LEAD asks the HUM LEADs a clarifying question (POST …/ask); they answer in the thread. */
export function askForm(P: ReleasePage): HTMLFormElement {
  const text = h("textarea", {
    name: "text",
    id: "ask-text",
    required: true,
    placeholder: "A question for the HUM LEADs",
  });
  const btn = h("button", { class: "btn", type: "submit", id: "ask-send" }, "Ask");
  return h(
    "form",
    {
      id: "ask-form",
      hidden: true,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void manage(P, "ask", { step: P.status?.step, text: text.value }, [btn]).then((r) => {
          if (r) text.value = "";
        });
      },
    },
    h("label", null, "Ask a question", text),
    h("div", { class: "row" }, btn),
  );
}

interface ThreadItem {
  kind: "question" | "feedback";
  id: string;
  text: string;
  by: string;
  at: string;
  step: string;
  replies: { text: string; by: string; at: string }[];
}

export function renderThread(P: ReleasePage): void {
  const items: ThreadItem[] = [];
  const byId = new Map<string, ThreadItem>();
  for (const e of P.events) {
    const d = e.data as { id?: string; text?: string; response?: string; step?: string };
    if ((e.type === "FeedbackGiven" || e.type === "QuestionAsked") && d.id) {
      const it: ThreadItem = {
        kind: e.type === "QuestionAsked" ? "question" : "feedback",
        id: d.id,
        text: d.text ?? "",
        by: e.actor.id,
        at: e.at,
        step: d.step ?? "",
        replies: [],
      };
      byId.set(d.id, it);
      items.push(it);
    } else if ((e.type === "FeedbackAddressed" || e.type === "QuestionAnswered") && d.id && byId.has(d.id)) {
      byId
        .get(d.id)!
        .replies.push({ text: (e.type === "QuestionAnswered" ? d.text : d.response) ?? "", by: e.actor.id, at: e.at });
    }
  }
  const el = clear(P.el.thread);
  if (!items.length) el.appendChild(h("li", { class: "muted" }, "No feedback or questions yet."));
  const open = !!P.status && !isFinished(P.status);
  for (const it of items) {
    const unanswered = it.kind === "question" && it.replies.length === 0;
    el.appendChild(
      h(
        "li",
        { class: it.kind, "data-id": it.id, id: `thread-${it.id}` },
        h(
          "div",
          { class: "meta" },
          badge(it.kind === "question" ? `question ${it.id}` : `feedback ${it.id}`, unanswered ? "warn" : "info"),
          ` ${it.by} · step ${it.step} · ${when(it.at)}`,
        ),
        h("p", { class: "text" }, it.text),
        it.replies.map((r) =>
          h(
            "div",
            { class: "reply" },
            h("div", { class: "meta" }, `${r.by} · ${when(r.at)}`),
            h("p", { class: "text" }, r.text),
          ),
        ),
        unanswered && open && can("answer") ? answerForm(P, it.id) : null,
        it.kind === "feedback" && !it.replies.length && open && me().role === "ai-lead" && can("respond")
          ? respondForm(P, it.id)
          : null,
      ),
    );
  }
}
