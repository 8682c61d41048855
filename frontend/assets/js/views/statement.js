// An account's statement for a period, downloaded as a PDF or a CSV (docs/collections.md,
// "Statement"): invoices, payments, refunds, credit notes and write-offs with a running
// balance. The links carry the period; the server checks it and who may see the account.
import { field, h, todayISO } from "../ui.js";

export function statementCard(accountId) {
  const today = todayISO();
  const from = h("input", { type: "date", value: `${today.slice(0, 4)}-01-01`, max: today, name: "from" });
  const to = h("input", { type: "date", value: today, name: "to" });
  const base = `/documents/accounts/${encodeURIComponent(accountId)}/statement`;
  const pdf = h("a", { class: "button button--primary", download: "" }, "Download PDF");
  const csv = h("a", { class: "button", download: "" }, "Download CSV");
  const problem = h("p", { class: "field__error", role: "alert", hidden: true }, "The period ends before it starts.");
  const update = () => {
    const query = new URLSearchParams({ from: from.value, to: to.value });
    const wrong = !from.value || !to.value || to.value < from.value;
    problem.hidden = !wrong || !from.value || !to.value;
    for (const link of [pdf, csv]) {
      link.href = `${base}.${link === pdf ? "pdf" : "csv"}?${query}`;
      link.toggleAttribute("aria-disabled", wrong);
      link.classList.toggle("is-disabled", wrong);
    }
  };
  from.addEventListener("input", update);
  to.addEventListener("input", update);
  update();
  return h(
    "section",
    { class: "card", "aria-labelledby": "statement-title" },
    h(
      "div",
      { class: "card__body stack" },
      h("h2", { id: "statement-title", class: "section-title" }, "Statement"),
      h("p", { class: "muted" }, "Invoices, payments, refunds, credit notes and write-offs for a period, with the running balance."),
      h("div", { class: "statement-period" }, field("From", from), field("To", to)),
      problem,
      h("div", { class: "actions" }, pdf, csv),
    ),
  );
}
