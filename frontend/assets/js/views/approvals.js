// Managers: the quotes waiting for their approval, with the deepest discount of each.
import { MONEY, graphql } from "../api.js";
import { badge, emptyState, formatDate, formatPercent, h, money, pageHead, pagedList, path, table } from "../ui.js";

const PENDING = `query Pending($after: String) {
  quotes(first: 50, after: $after, status: PENDING_APPROVAL) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number startDate termMonths account { name } lines { discountPercent }
      totalContractValue ${MONEY} history { action at actorName }
    } }
  }
}`;

export function render() {
  document.title = "Approvals · Recur";
  const list = pagedList({
    fetch: async (after) => {
      const { quotes } = await graphql(PENDING, { after });
      return { nodes: quotes.edges.map((e) => e.node), pageInfo: quotes.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Quote", cell: (q) => h("a", { href: path("/quotes", q.id) }, h("strong", {}, q.number)) },
          { label: "Account", cell: (q) => q.account?.name ?? "—" },
          { label: "Submitted", cell: submitted },
          { label: "Term", cell: (q) => `${q.termMonths} months from ${formatDate(q.startDate)}` },
          { label: "Deepest discount", numeric: true, cell: (q) => badge(formatPercent(deepest(q)), "warn") },
          { label: "Contract value", numeric: true, cell: (q) => money(q.totalContractValue.amount, q.totalContractValue.currency) },
          { label: "Review", hideLabel: true, cell: (q) => h("a", { class: "button button--small", href: path("/quotes", q.id), "aria-label": `Review ${q.number}` }, "Review") },
        ],
        rows,
        { caption: "Quotes waiting for approval", stack: true },
      ),
    empty: () => emptyState("Nothing to approve", "Quotes with a discount above the threshold appear here when a rep submits them."),
  });
  return h("section", { "aria-labelledby": "page-title" }, pageHead("Approvals", "Quotes whose discounts wait for your decision"), list.element);
}

function deepest(quote) {
  return quote.lines.map((l) => l.discountPercent).reduce((best, v) => (Number(v) > Number(best) ? v : best), "0");
}

function submitted(quote) {
  const event = quote.history.findLast((e) => e.action === "SUBMIT");
  return event ? [event.actorName ?? "—", h("div", { class: "line-meta" }, formatDate(event.at.slice(0, 10)))] : "—";
}
