// The accounts a member of staff may see: a rep their own, managers and finance all.
import { graphql } from "../api.js";
import { badge, debounce, emptyState, errorState, field, h, loading, money, path, table } from "../ui.js";
import { setQuery } from "../router.js";

const ACCOUNTS = `query Accounts($search: String, $after: String) {
  accounts(first: 50, search: $search, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name currency paymentTermsDays owner { name } monthlyRecurringRevenue { amount currency } } }
  }
}`;

export function render({ query, session }) {
  document.title = "Accounts · Recur";
  const search = h("input", { type: "search", value: query.get("q") || "", placeholder: "Account name", autocomplete: "off" });
  const summary = h("p", { "aria-live": "polite" }, "Loading accounts…");
  const results = h("div", { class: "card" }, loading("Loading accounts", 1));
  const scope = session.viewer.role === "REP" ? "Accounts you own" : "All accounts";
  // Managers read what the accounts owe on the billing page, which finance has in its menu.
  const receivables = session.viewer.role === "MANAGER" ? h("a", { class: "button", href: "/billing" }, "Receivables") : null;

  async function load() {
    try {
      const data = await graphql(ACCOUNTS, { search: search.value.trim() || null });
      const { edges, totalCount } = data.accounts;
      summary.textContent = `${scope}: ${totalCount}`;
      results.replaceChildren(
        edges.length
          ? table(
              [
                { label: "Account", cell: (a) => h("a", { href: path("/accounts", a.id) }, h("strong", {}, a.name)) },
                { label: "Currency", cell: (a) => a.currency },
                { label: "Terms", cell: (a) => `Net ${a.paymentTermsDays}` },
                { label: "Owner", cell: (a) => (a.owner ? a.owner.name : badge("No rep", "warn")) },
                { label: "MRR", numeric: true, cell: (a) => money(a.monthlyRecurringRevenue.amount, a.monthlyRecurringRevenue.currency) },
              ],
              edges.map((e) => e.node),
              { caption: scope },
            )
          : emptyState(search.value ? "No account matches" : "No accounts yet", search.value ? "Try another name." : "Accounts you own appear here."),
      );
    } catch (error) {
      results.replaceChildren(errorState(error, load));
    }
  }

  search.addEventListener("input", debounce(() => { setQuery({ q: search.value.trim() }); load(); }, 250));
  load();
  return h(
    "section",
    { "aria-labelledby": "accounts-title" },
    h("div", { class: "page-head" }, h("div", {}, h("h1", { id: "accounts-title" }, "Accounts"), summary), receivables && h("div", { class: "actions" }, receivables)),
    h("div", { class: "toolbar", role: "search", style: "grid-template-columns:minmax(0,24rem)" }, field("Search accounts", search)),
    results,
  );
}
