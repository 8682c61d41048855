// Next best offers on the account page (docs/recommendations.md). Staff see three offers
// with the reason, the evidence, what is due now and the new MRR, and sales prepare a quote
// from one; customers see the reason and the price, preview the exact invoice and take it.
// The offers load on their own request: their previews cost more than the page's figures.
import { MONEY, graphql } from "../api.js";
import { navigate } from "../router.js";
import { badge, confirmDialog, emptyState, errorState, formatDate, h, loading, money, path, toast } from "../ui.js";

const OFFERS = `query AccountOffers($id: ID!) { account(id: $id) { id recommendations(first: 3) {
  id kind title reason evidence score quantity product { name } price { billingPeriod }
  preview { effectiveDate amountDueNow ${MONEY} monthlyRecurringRevenueBefore ${MONEY}
    newMonthlyRecurringRevenue ${MONEY} lines { description wording amount ${MONEY} } }
} } }`;

const PREPARE = `mutation PrepareRecommendation($id: ID!) { prepareRecommendation(input: {recommendationId: $id}) {
  quote { id number } userErrors { message } } }`;

const ACCEPT = `mutation AcceptRecommendation($id: ID!) { acceptRecommendation(input: {recommendationId: $id}) {
  invoice { id number } amountDueNow ${MONEY} userErrors { message } } }`;

export const KIND = {
  ADD_ON: ["Add-on", "accent"],
  UPGRADE: ["Upgrade", "info"],
  YEARLY: ["Yearly billing", "ok"],
  NEXT_TIER: ["Volume band", "warn"],
};
const SALES = ["REP", "MANAGER", "ADMIN"];

/** The offers section; `overdue` says why there are none. */
export function offersSection(accountId, session, { staff, overdue, onTaken }) {
  const body = h("div", { class: "offers__body" }, loading("Loading offers", 1));
  const title = staff ? "Next best offers" : "Offers for you";
  const section = h(
    "section",
    { class: "page-section offers", id: "account-offers", "aria-labelledby": "offers-title" },
    h(
      "div",
      { class: "section-head" },
      h("h2", { id: "offers-title" }, title),
      staff ? h("span", { class: "muted offers__hint" }, "Ranked by how likely the account is to take them; amounts are exact for today.") : null,
    ),
    body,
  );
  const load = async () => {
    try {
      const data = await graphql(OFFERS, { id: accountId });
      const offers = data.account ? data.account.recommendations : [];
      if (!offers.length) {
        body.replaceChildren(h("div", { class: "card" }, empty(staff, overdue)));
        return;
      }
      body.replaceChildren(h("ul", { class: "offers__list", role: "list" }, offers.map((offer) => card(offer, session, staff, onTaken))));
    } catch (error) {
      body.replaceChildren(errorState(error, load));
    }
  };
  load();
  return section;
}

function empty(staff, overdue) {
  if (staff && overdue) return emptyState("No offers while payments are overdue", "Offers come back once the overdue invoices are paid.");
  if (staff) return emptyState("Nothing to offer right now", "Offers appear when the catalog or accounts like this one suggest a next step.");
  return emptyState("No offers right now", "When there is a better way to buy what you use, it appears here.");
}

function card(offer, session, staff, onTaken) {
  const [label, tone] = KIND[offer.kind] || [offer.kind, ""];
  const preview = offer.preview;
  const currency = preview.amountDueNow.currency;
  const titleId = `offer-${offer.id.replace(/[^A-Za-z0-9]/g, "")}`;
  const effectiveLater = preview.effectiveDate && Number(preview.amountDueNow.amount) === 0 && preview.lines.length === 0;
  return h(
    "li",
    { class: "card offer", "aria-labelledby": titleId },
    h(
      "div",
      { class: "offer__body" },
      h("div", { class: "offer__top" }, badge(label, tone), staff ? h("span", { class: "offer__score", title: "The offer's score, from 0 to 1: how likely the account is to take it" }, `Score ${offer.score.toFixed(2)}`) : null),
      h("h3", { class: "offer__title", id: titleId }, offer.title),
      h("p", { class: "offer__reason" }, offer.reason),
      h(
        "dl",
        { class: "offer__figures" },
        h(
          "div",
          {},
          h("dt", {}, "Due now"),
          h("dd", {}, money(preview.amountDueNow.amount, currency), effectiveLater ? h("span", { class: "offer__was" }, `takes effect ${formatDate(preview.effectiveDate)}`) : null),
        ),
        h(
          "div",
          {},
          h("dt", {}, staff ? "New MRR" : "Then a month"),
          h("dd", {}, money(preview.newMonthlyRecurringRevenue.amount, currency), h("span", { class: "offer__was" }, " was ", money(preview.monthlyRecurringRevenueBefore.amount, currency))),
        ),
      ),
      staff && offer.evidence.length
        ? h("details", { class: "offer__evidence" }, h("summary", {}, "Why this offer"), h("ul", {}, offer.evidence.map((line) => h("li", {}, line))))
        : null,
    ),
    h("div", { class: "offer__actions" }, staff ? staffActions(offer, session) : customerActions(offer, onTaken)),
  );
}

function staffActions(offer, session) {
  if (!SALES.includes(session.viewer?.role)) return h("span", { class: "line-meta" }, "Sales prepare quotes from offers.");
  const button = h("button", { class: "button button--primary button--small", type: "button" }, "Prepare quote");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const data = await graphql(PREPARE, { id: offer.id });
      const payload = data.prepareRecommendation;
      if (payload.userErrors.length) throw new Error(payload.userErrors[0].message);
      toast(`Quote ${payload.quote.number} prepared from the offer.`);
      navigate(path("/quotes", payload.quote.id));
    } catch (error) {
      toast(error.message, "error");
      button.disabled = false;
    }
  });
  return button;
}

function customerActions(offer, onTaken) {
  const preview = offer.preview;
  const currency = preview.amountDueNow.currency;
  const lines = h(
    "div",
    { class: "offer__preview", hidden: true },
    preview.lines.length
      ? h(
          "table",
          { class: "offer__lines" },
          h("caption", { class: "visually-hidden" }, "What you are invoiced now"),
          h("tbody", {}, preview.lines.map((line) => h("tr", {}, h("td", {}, line.description, line.wording ? h("div", { class: "line-meta" }, line.wording) : null), h("td", { class: "num" }, money(line.amount.amount, currency))))),
          h("tfoot", {}, taxRow(preview, currency), h("tr", {}, h("th", { scope: "row" }, "Due now, tax included"), h("td", { class: "num" }, money(preview.amountDueNow.amount, currency)))),
        )
      : h("p", { class: "line-meta" }, `Nothing is invoiced now${preview.effectiveDate ? `: it takes effect on ${formatDate(preview.effectiveDate)}` : ""}.`),
  );
  const toggle = h("button", { class: "button button--small", type: "button", "aria-expanded": "false" }, "Preview");
  toggle.addEventListener("click", () => {
    lines.hidden = !lines.hidden;
    toggle.setAttribute("aria-expanded", String(!lines.hidden));
    toggle.textContent = lines.hidden ? "Preview" : "Hide preview";
  });
  const take = h("button", { class: "button button--primary button--small", type: "button" }, "Take offer");
  take.addEventListener("click", async () => {
    const due = Number(preview.amountDueNow.amount);
    const confirmed = await confirmDialog({
      title: offer.title,
      body: due > 0 ? `You are invoiced ${new Intl.NumberFormat(undefined, { style: "currency", currency }).format(due)} now, tax included.` : "Nothing is invoiced now.",
      confirm: "Take offer",
    });
    if (!confirmed) return;
    take.disabled = true;
    try {
      const data = await graphql(ACCEPT, { id: offer.id });
      const payload = data.acceptRecommendation;
      if (payload.userErrors.length) throw new Error(payload.userErrors[0].message);
      toast(payload.invoice ? `Done: invoice ${payload.invoice.number} issued.` : "Done.");
      if (onTaken) onTaken();
    } catch (error) {
      toast(error.message, "error");
      take.disabled = false;
    }
  });
  return [h("div", { class: "offer__buttons" }, toggle, take), lines];
}

/** The tax on the lines: what is due now less the lines (both exact to the cent). */
function taxRow(preview, currency) {
  const cents = (amount) => Math.round(Number(amount) * 100);
  if (cents(preview.amountDueNow.amount) <= 0) return null; // a credit note's lines are credited amounts
  const tax = cents(preview.amountDueNow.amount) - preview.lines.reduce((sum, line) => sum + cents(line.amount.amount), 0);
  return tax ? h("tr", {}, h("td", {}, "Tax"), h("td", { class: "num" }, money((tax / 100).toFixed(2), currency))) : null;
}
