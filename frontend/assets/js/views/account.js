// A customer's own account: who they are to us, terms, any credit, payment methods and
// autopay, and their sales rep.
import { MONEY, graphql } from "../api.js";
import { errorState, h, loading, money } from "../ui.js";
import { overdueBanner } from "./overdue.js";
import { METHODS, paymentMethodsCard } from "./payment-methods.js";

const ACCOUNT = `{ viewer { account { id name currency paymentTermsDays taxRatePercent creditBalance ${MONEY} owner { name email }
  billingEmail taxId billingAddress { line1 line2 city postalCode region country } autopay autopayTiming ${METHODS} } } }`;

export function render({ session }) {
  document.title = "Account · Recur";
  const root = h("div", {}, loading("Loading your account", 1));

  async function load() {
    try {
      const data = await graphql(ACCOUNT);
      const account = data.viewer.account;
      const sections = h("div", {}, loading("Loading your figures", 1));
      root.replaceChildren(overdueBanner(load), view(account, session.viewer, load), sections);
      // The figures and the timeline load on demand: the first load stays small.
      import("./account-360.js")
        .then((module) => sections.replaceChildren(module.customerSections(account.id, session)))
        .catch((error) => sections.replaceChildren(errorState(error)));
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return root;
}

function view(account, viewer, reload) {
  document.title = `${account.name} · Recur`;
  const owner = account.owner;
  const credit = Number(account.creditBalance.amount) ? account.creditBalance : null;
  return h(
    "section",
    { "aria-labelledby": "account-title" },
    h("div", { class: "page-head" }, h("div", {}, h("h1", { id: "account-title" }, account.name), h("p", {}, `Signed in as ${viewer.name} (${viewer.email})`))),
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: "card__body" },
        h("h2", { class: "section-title" }, "Billing terms"),
        h(
          "dl",
          { class: "detail-list" },
          h("dt", {}, "Currency"), h("dd", {}, account.currency),
          h("dt", {}, "Payment terms"), h("dd", {}, `Net ${account.paymentTermsDays} days`),
          h("dt", {}, "Tax rate"), h("dd", { class: "money" }, `${account.taxRatePercent} %`),
          account.billingEmail ? [h("dt", {}, "Invoices go to"), h("dd", {}, account.billingEmail)] : null,
          account.billingAddress ? [h("dt", {}, "Billing address"), h("dd", {}, addressLines(account.billingAddress))] : null,
          account.taxId ? [h("dt", {}, "Tax id"), h("dd", {}, account.taxId)] : null,
          credit ? [h("dt", {}, "Account credit"), h("dd", {}, h("strong", {}, money(credit.amount, credit.currency)))] : null,
        ),
        credit ? h("p", { class: "notice notice--ok", style: "margin-top:var(--space-4)" }, "Payments beyond what was due are kept as credit: it pays your next invoices.") : null,
      ),
    ),
    paymentMethodsCard(account, reload),
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: "card__body" },
        h("h2", { class: "section-title" }, "Your sales rep"),
        owner
          ? h("p", {}, h("strong", {}, owner.name), ...(owner.email ? [" · ", h("a", { href: `mailto:${owner.email}` }, owner.email)] : []))
          : h("p", { class: "muted" }, "No rep is assigned yet."),
        h("p", { class: "muted", style: "margin-top:var(--space-2)" }, "Ask them for a quote, volume pricing or a longer term."),
      ),
    ),
  );
}

/** A postal address, one line per part given. */
function addressLines(address) {
  const place = [address.postalCode, address.city].filter(Boolean).join(" ");
  const lines = [address.line1, address.line2, place, address.region, address.country].filter(Boolean);
  return lines.flatMap((line, i) => (i ? [h("br"), line] : [line]));
}
