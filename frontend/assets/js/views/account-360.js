// The account page (customer 360): figures, MRR by month, products owned, subscriptions,
// open quotes (a customer also sees their cart), orders, and one timeline of everything that happened to the
// account. Staff open it from the accounts lists; customers see theirs under "My account"
// (without internal entries: the API leaves them out). docs/customer-360.md.
import { MONEY, graphql } from "../api.js";
import { offersSection } from "./account-offers.js";
import { statementCard } from "./statement.js";
import { badge, emptyState, errorState, formatDate, formatDateTime, h, loading, money, pagedList, path, select, statusBadge, table } from "../ui.js";

const ACCOUNT_PAGE = `query AccountPage($id: ID!) {
  account(id: $id) {
    id name currency paymentTermsDays notes partner { name } owner { name email } creditBalance ${MONEY}
    monthlyRecurringRevenue ${MONEY} annualRecurringRevenue ${MONEY}
    metrics { lifetimeBilled ${MONEY} openBalance ${MONEY} overdueBalance ${MONEY}
      averageDaysToPay onTimePaymentRate nextRenewalDate }
    mrrByMonth(months: 12) { month mrr ${MONEY} }
    orders(first: 5) { edges { node { id number startDate termMonths quote { kind } } } }
  }
  subscriptions(accountId: $id, first: 50) { edges { node {
    id number status termEndsOn autoRenew monthlyRecurringRevenue ${MONEY}
    items { id quantity product { name } } scheduledChanges { id effectiveDate description }
  } } }
  quotes(accountId: $id, first: 20, includeCarts: true) { edges { node {
    id number kind status isCart totalContractValue ${MONEY} } } }
}`;

const TIMELINE = `query AccountTimeline($id: ID!, $after: String, $kinds: [AccountActivityKind!]) {
  account(id: $id) { timeline(first: 25, after: $after, kinds: $kinds) {
    pageInfo { hasNextPage endCursor }
    edges { node { id occurredAt kind summary actor amount ${MONEY} subject { __typename id } } }
  } }
}`;

const KINDS = [
  ["", "Everything"],
  ["QUOTE", "Quotes"],
  ["ORDER", "Orders"],
  ["SUBSCRIPTION", "Subscription changes"],
  ["INVOICE", "Invoices"],
  ["PAYMENT", "Payments"],
  ["CREDIT_NOTE", "Credit notes"],
  ["REFUND", "Refunds"],
  ["WRITE_OFF", "Write-offs"],
  ["VOID", "Voids"],
  ["ADMIN", "Administrative changes"],
];
const KIND_BADGE = {
  QUOTE: ["Quote", "info"],
  ORDER: ["Order", "accent"],
  SUBSCRIPTION: ["Subscription", "accent"],
  INVOICE: ["Invoice", ""],
  PAYMENT: ["Payment", "ok"],
  CREDIT_NOTE: ["Credit note", "warn"],
  REFUND: ["Refund", "warn"],
  WRITE_OFF: ["Write-off", "danger"],
  VOID: ["Void", "danger"],
  ADMIN: ["Admin", ""],
};
const SUBJECT_PATHS = {
  Quote: "/quotes",
  Order: "/orders",
  Subscription: "/subscriptions",
  Invoice: "/invoices",
  CreditNote: "/credit-notes",
};
const OPEN_QUOTES = ["DRAFT", "IN_REVIEW", "PENDING_APPROVAL", "APPROVED", "SENT"];

/** The staff page at /accounts/:id. */
export function render({ params, session }) {
  document.title = "Account · Recur";
  const root = h("div", {}, loading("Loading the account", 2));
  load(root, params.id, session, { staff: true });
  return root;
}

/** The customer's own account page: the same sections, their account. */
export function customerSections(accountId, session) {
  const root = h("div", {}, loading("Loading your figures", 1));
  load(root, accountId, session, { staff: false });
  return root;
}

async function load(root, id, session, { staff }) {
  try {
    const data = await graphql(ACCOUNT_PAGE, { id });
    if (!data.account) {
      root.replaceChildren(emptyState("Account not found", "It does not exist, or it is not one of yours.", h("a", { class: "button", href: "/accounts" }, "All accounts"), 1));
      return;
    }
    if (staff) document.title = `${data.account.name} · Recur`;
    root.replaceChildren(page(data, session, staff, () => load(root, id, session, { staff })));
  } catch (error) {
    root.replaceChildren(errorState(error, () => load(root, id, session, { staff })));
  }
}

function page(data, session, staff, reload) {
  const account = data.account;
  const subscriptions = data.subscriptions.edges.map((e) => e.node);
  const quotes = data.quotes.edges.map((e) => e.node).filter((q) => OPEN_QUOTES.includes(q.status));
  const active = subscriptions.filter((s) => s.status === "ACTIVE");
  const status = active.length ? badge("Active customer", "ok") : subscriptions.length ? badge("Churned", "danger") : badge("Prospect", "info");
  const exportLink = (href, label) => h("a", { class: "button button--small", href, download: "" }, label);
  const accountQuery = `accountId=${encodeURIComponent(account.id)}`;
  return h(
    "section",
    { class: "account-360", "aria-labelledby": staff ? "account-title" : "account-360-title" },
    staff
      ? [
          h("p", { class: "crumbs" }, h("a", { href: "/accounts" }, "Accounts"), " / ", account.name),
          h(
            "div",
            { class: "page-head" },
            h(
              "div",
              {},
              h("h1", { id: "account-title", tabindex: "-1" }, account.name),
              h(
                "p",
                { class: "account-360__sub" },
                status,
                ` ${account.currency} · Net ${account.paymentTermsDays} · `,
                account.owner ? `Owner ${account.owner.name}` : badge("No rep", "warn"),
                account.partner ? ` · Partner ${account.partner.name}` : null,
              ),
            ),
            h("div", { class: "actions" }, h("a", { class: "button", href: "/renewals" }, "Renewals due")),
          ),
        ]
      : h("h2", { id: "account-360-title", class: "section-title page-section" }, "Your account at a glance"),
    figures(account),
    h("div", { class: "page-section" }, statementCard(account.id)),
    staff && account.notes ? h("p", { class: "notice notice--info account-360__notes" }, h("strong", {}, "Notes: "), account.notes) : null,
    offersSection(account.id, session, { staff, overdue: Number(account.metrics.overdueBalance.amount) > 0, onTaken: reload }),
    h(
      "div",
      { class: "account-360__grid page-section" },
      h(
        "section",
        { class: "card", id: "account-mrr-chart", "aria-labelledby": "mrr-title" },
        h(
          "div",
          { class: "card__body" },
          h("h2", { id: "mrr-title", class: "section-title" }, "MRR by month"),
          mrrByMonth(account.mrrByMonth, account.currency),
        ),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "products-title" },
        h("div", { class: "card__body" }, h("h2", { id: "products-title", class: "section-title" }, "Products owned"), productsOwned(active)),
      ),
    ),
    h(
      "section",
      { class: "page-section", "aria-labelledby": "subscriptions-title" },
      h("div", { class: "section-head" }, h("h2", { id: "subscriptions-title" }, "Subscriptions"), exportLink(`/exports/subscriptions.csv?${accountQuery}`, "Export CSV")),
      subscriptionsTable(subscriptions),
    ),
    h(
      "section",
      { class: "page-section", "aria-labelledby": "quotes-title" },
      h("h2", { id: "quotes-title", class: "section-title" }, "Open quotes"),
      quotesTable(quotes),
    ),
    h(
      "section",
      { class: "page-section", "aria-labelledby": "orders-title" },
      h("div", { class: "section-head" }, h("h2", { id: "orders-title" }, "Recent orders"), staff ? h("a", { class: "button button--small", href: `/orders?account=${encodeURIComponent(account.id)}` }, "All orders") : null),
      ordersTable(account.orders.edges.map((e) => e.node)),
    ),
    h(
      "section",
      { class: "page-section", "aria-labelledby": "timeline-title" },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "timeline-title" }, "Timeline"),
        h(
          "div",
          { class: "actions" },
          exportLink(`/exports/invoices.csv?${accountQuery}`, "Invoices CSV"),
          exportLink(`/exports/payments.csv?${accountQuery}`, "Payments CSV"),
          exportLink(`/exports/accounts/${encodeURIComponent(account.id)}/timeline.csv`, "Timeline CSV"),
        ),
      ),
      timeline(account.id, staff),
    ),
  );
}

function figure(label, value, note = null, tone = "") {
  return h("div", { class: `kpi${tone ? ` kpi--${tone}` : ""}` }, h("dt", { class: "kpi__label" }, label), h("dd", { class: "kpi__value" }, value, note ? h("span", { class: "kpi__note" }, note) : null));
}

function figures(account) {
  const m = account.metrics;
  const overdue = Number(m.overdueBalance.amount) > 0;
  const rate = m.onTimePaymentRate === null ? "—" : `${(Number(m.onTimePaymentRate) * 100).toFixed(0)} %`;
  return h(
    "dl",
    { class: "kpis", "aria-label": "Account figures" },
    figure("MRR", money(account.monthlyRecurringRevenue.amount, account.currency)),
    figure("ARR", money(account.annualRecurringRevenue.amount, account.currency)),
    figure("Lifetime billed", money(m.lifetimeBilled.amount, account.currency)),
    figure("Open balance", money(m.openBalance.amount, account.currency), overdue ? [" ", h("span", { class: "money--overdue" }, formatOverdue(m.overdueBalance, account.currency))] : null),
    figure("Avg. days to pay", m.averageDaysToPay === null ? "—" : String(Number(m.averageDaysToPay))),
    figure("Paid on time", rate),
    figure("Next renewal", formatDate(m.nextRenewalDate)),
    figure("Credit", money(account.creditBalance.amount, account.currency)),
  );
}

function formatOverdue(overdue, currency) {
  return h("span", {}, money(overdue.amount, currency), " overdue");
}

/** The MRR chart, drawn once the charting module has loaded (only this page and the
 * dashboard load it); until then, or if it cannot load, the table. */
function mrrByMonth(months, currency) {
  const box = h("div", { class: "account-mrr" }, mrrTable(months));
  import("../charts.js")
    .then(({ chart, monthLabel, PALETTE }) =>
      chart(box, {
        title: "MRR at each month's end",
        months: months.map((m) => m.month),
        currency,
        series: [{ label: "MRR", values: months.map((m) => Number(m.mrr.amount)), color: PALETTE.accent, kind: "line", fill: PALETTE.accentSoft }],
        caption: `MRR in ${currency} at the end of each month`,
        columns: [
          { label: "Month", cell: (m) => monthLabel(m.month) },
          { label: "MRR", numeric: true, cell: (m) => money(m.mrr.amount, m.mrr.currency) },
        ],
        rows: months,
      }),
    )
    .catch(() => {}); // the table stays
  return box;
}

function mrrTable(months) {
  return table(
    [
      { label: "Month", cell: (m) => new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${m.month}T00:00:00Z`)) },
      { label: "MRR", numeric: true, cell: (m) => money(m.mrr.amount, m.mrr.currency) },
    ],
    months.slice().reverse(),
    { caption: "MRR by month, newest first" },
  );
}

function productsOwned(active) {
  const owned = new Map();
  for (const s of active) for (const item of s.items) {
    const name = item.product?.name ?? "Product";
    owned.set(name, (owned.get(name) || 0) + item.quantity);
  }
  if (!owned.size) return h("p", { class: "muted" }, "No running subscription.");
  return table(
    [
      { label: "Product", cell: ([name]) => name },
      { label: "Quantity", numeric: true, cell: ([, quantity]) => String(quantity) },
    ],
    [...owned.entries()].sort((a, b) => a[0].localeCompare(b[0])),
    { caption: "Products owned" },
  );
}

function subscriptionsTable(subscriptions) {
  if (!subscriptions.length) return h("div", { class: "card" }, emptyState("No subscriptions", "Subscriptions start when a quote is accepted."));
  return h(
    "div",
    { class: "card" },
    table(
      [
        { label: "Subscription", cell: (s) => h("a", { href: path("/subscriptions", s.id) }, h("strong", {}, s.number)) },
        { label: "Status", cell: (s) => statusBadge(s.status) },
        { label: "Term ends", cell: (s) => [formatDate(s.termEndsOn), s.status === "ACTIVE" && !s.autoRenew ? [" ", badge("Won't renew", "warn")] : null] },
        { label: "Scheduled", cell: (s) => (s.scheduledChanges.length ? s.scheduledChanges.map((c) => h("div", { class: "line-meta" }, `${formatDate(c.effectiveDate)}: ${c.description}`)) : "—") },
        { label: "MRR", numeric: true, cell: (s) => money(s.monthlyRecurringRevenue.amount, s.monthlyRecurringRevenue.currency) },
        { label: "Renewal", hideLabel: true, cell: (s) => (s.status === "ACTIVE" ? h("a", { href: `${path("/subscriptions", s.id)}#renewal`, class: "nowrap", "aria-label": `Renewal of ${s.number}` }, "Renewal") : null) },
      ],
      subscriptions,
      { caption: "Subscriptions", stack: true },
    ),
  );
}

function quotesTable(quotes) {
  if (!quotes.length) return h("div", { class: "card" }, emptyState("Nothing open", "Quotes being prepared or waiting for an answer appear here."));
  return h(
    "div",
    { class: "card" },
    table(
      [
        { label: "Quote", cell: (q) => h("a", { href: path("/quotes", q.id) }, h("strong", {}, q.number)) },
        { label: "Kind", cell: (q) => (q.isCart ? badge("Cart", "info") : q.kind.charAt(0) + q.kind.slice(1).toLowerCase()) },
        { label: "Status", cell: (q) => statusBadge(q.status) },
        { label: "Contract value", numeric: true, cell: (q) => money(q.totalContractValue.amount, q.totalContractValue.currency) },
      ],
      quotes,
      { caption: "Open quotes", stack: true },
    ),
  );
}

function ordersTable(orders) {
  if (!orders.length) return h("div", { class: "card" }, emptyState("No orders yet", "Accepted quotes become orders."));
  return h(
    "div",
    { class: "card" },
    table(
      [
        { label: "Order", cell: (o) => h("a", { href: path("/orders", o.id) }, h("strong", {}, o.number)) },
        { label: "Kind", cell: (o) => (o.quote ? o.quote.kind.charAt(0) + o.quote.kind.slice(1).toLowerCase() : "—") },
        { label: "Starts", cell: (o) => formatDate(o.startDate) },
        { label: "Term", numeric: true, cell: (o) => `${o.termMonths} mo` },
      ],
      orders,
      { caption: "Recent orders", stack: true },
    ),
  );
}

function timeline(accountId, staff) {
  const kinds = KINDS.filter(([kind]) => staff || kind !== "ADMIN");
  const filter = select(kinds, "", { "aria-label": "Show", onchange: () => list.reload() });
  const list = pagedList({
    more: "Show older entries",
    fetch: async (after) => {
      const data = await graphql(TIMELINE, { id: accountId, after, kinds: filter.value ? [filter.value] : null });
      const connection = data.account.timeline;
      return { nodes: connection.edges.map((e) => e.node), pageInfo: connection.pageInfo };
    },
    view: (rows) => h("ol", { class: "timeline", "aria-label": "Timeline, newest first" }, rows.map(entry)),
    empty: () => emptyState("Nothing here yet", filter.value ? "Nothing of this kind happened to the account." : "What happens to the account appears here."),
  });
  return h("div", {}, h("div", { class: "timeline__filter" }, h("label", { class: "inline-select" }, h("span", { class: "muted" }, "Show"), filter)), list.element);
}

function entry(activity) {
  const [label, tone] = KIND_BADGE[activity.kind] || [activity.kind, ""];
  const subject = activity.subject && SUBJECT_PATHS[activity.subject.__typename];
  const summary = subject ? h("a", { href: path(subject, activity.subject.id) }, activity.summary) : activity.summary;
  return h(
    "li",
    { class: "timeline__entry" },
    h("div", { class: "timeline__when" }, h("time", { datetime: activity.occurredAt }, formatDateTime(activity.occurredAt))),
    h("div", { class: "timeline__what" }, badge(label, tone), " ", summary, activity.actor ? h("div", { class: "line-meta" }, `by ${activity.actor}`) : null),
    h("div", { class: "timeline__amount" }, activity.amount ? money(activity.amount.amount, activity.amount.currency) : null),
  );
}
