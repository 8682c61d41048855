// Quotes: a customer's own; for staff those of the accounts they may see, filtered by
// account, status and the day they were last updated, sorted (list-filters.js). Sales start
// new quotes here.
import { MONEY, clientKey, graphql, mutate } from "../api.js";
import {
  emptyState, field, formDialog, formatDate, formatDateTime, h, money, pageHead, pagedList, path, recheckOnInput, select,
  showFieldErrors, statusBadge, table, toast, todayISO,
} from "../ui.js";
import { listFilters } from "./list-filters.js";

const QUOTES = `query Quotes($after: String, $status: QuoteStatus, $accountId: ID, $from: Date, $to: Date, $orderBy: QuoteSort! = NEWEST) {
  quotes(first: 50, after: $after, status: $status, accountId: $accountId, from: $from, to: $to, orderBy: $orderBy) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number kind status isCart expiresOn startDate termMonths updatedAt account { name } subscription { number }
      monthlyRecurringTotal ${MONEY} totalContractValue ${MONEY}
    } }
  }
}`;
const ACCOUNTS = `{ accounts(first: 100) { edges { node { id name currency } } } }`;
const CREATE = `mutation($accountId: ID!, $startDate: Date, $termMonths: Int, $clientKey: String) {
  createQuote(input: { accountId: $accountId, startDate: $startDate, termMonths: $termMonths, clientKey: $clientKey }) {
    quote { id } userErrors { field message code }
  }
}`;
const STATUSES = ["DRAFT", "IN_REVIEW", "PENDING_APPROVAL", "APPROVED", "SENT", "ACCEPTED", "DECLINED", "EXPIRED"];

export function render({ query, session, navigate }) {
  document.title = "Quotes · Recur";
  const { role, account } = session.viewer;
  const staff = role !== "CUSTOMER";
  const filters = listFilters({
    query,
    noun: "quotes",
    statuses: STATUSES,
    dates: "last updated",
    accounts: staff,
    sorts: [
      ["NEWEST", "Newest first"],
      ["OLDEST", "Oldest first", "oldest first"],
      ["RECENTLY_UPDATED", "Recently updated", "last updated first"],
      ["START_DATE", "Earliest start", "earliest start first"],
    ],
    onChange: () => list.reload(),
  });
  const list = pagedList({
    more: "Show more quotes",
    fetch: async (after) => {
      const { quotes } = await graphql(QUOTES, { after, ...filters.variables() });
      // An open cart lives on the cart page: it is not a quote yet.
      const nodes = quotes.edges.map((e) => e.node);
      return { nodes, pageInfo: quotes.pageInfo };
    },
    view: (rows) => table(columns(staff), rows, { caption: "Quotes", stack: true }),
    empty: () =>
      filters.empty(() =>
        emptyState(
          "No quotes yet",
          staff ? "Quotes of your accounts appear here." : "Quotes your sales rep sends you, and carts you ask sales about, appear here.",
          staff ? null : h("a", { class: "button", href: "/cart" }, "Go to your cart"),
        ),
      ),
  });
  const scope = !staff ? `For ${account.name}` : role === "REP" ? "Quotes of the accounts you own" : "Quotes of all accounts";
  const create = ["REP", "MANAGER", "ADMIN"].includes(role)
    ? h("button", { class: "button button--primary", type: "button", onclick: () => newQuote(navigate) }, "New quote")
    : null;
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Quotes", scope, create),
    filters.element,
    filters.summary,
    list.element,
  );
}

function columns(staff) {
  const amount = (key) => (q) => money(q[key].amount, q[key].currency);
  return [
    { label: "Quote", cell: (q) => [h("a", { href: path("/quotes", q.id) }, h("strong", {}, q.number)), kindOf(q)] },
    staff && { label: "Account", cell: (q) => q.account?.name ?? "—" },
    { label: "Status", cell: (q) => [statusBadge(q.status), validity(q)] },
    { label: "Start", cell: (q) => formatDate(q.startDate) },
    // The day (UTC) From and To filter by; the time on hover.
    { label: "Updated", cell: (q) => h("time", { datetime: q.updatedAt, title: formatDateTime(q.updatedAt) }, formatDate(q.updatedAt.slice(0, 10))) },
    { label: "Term", cell: (q) => (q.kind === "AMENDMENT" ? "To term end" : `${q.termMonths} months`) },
    { label: "Monthly", numeric: true, cell: amount("monthlyRecurringTotal") },
    // An amendment's value is what it changes, shown on the quote: not a contract value.
    { label: "Contract value", numeric: true, cell: (q) => (q.kind === "AMENDMENT" ? h("span", { class: "muted" }, "—") : amount("totalContractValue")(q)) },
  ].filter(Boolean);
}

/** An amendment or renewal says which subscription it is for. */
function kindOf(q) {
  if (q.kind === "NEW") return null;
  const what = q.kind === "AMENDMENT" ? "Changes" : "Renews";
  return h("div", { class: "line-meta" }, q.subscription ? `${what} ${q.subscription.number}` : what);
}

function validity(q) {
  if (q.status !== "SENT" || !q.expiresOn) return null;
  const past = q.expiresOn < todayISO();
  return h("div", { class: `line-meta${past ? " text-danger" : ""}` }, `${past ? "Expired" : "Valid until"} ${formatDate(q.expiresOn)}`);
}

/** Sales: an account, a start and a term; then on to the editor. */
async function newQuote(navigate) {
  let accounts;
  try {
    accounts = (await graphql(ACCOUNTS)).accounts.edges.map((e) => e.node);
  } catch (error) {
    return toast(error.message, "error");
  }
  const account = select([["", "Choose an account"], ...accounts.map((a) => [a.id, `${a.name} (${a.currency})`])], "");
  const start = h("input", { type: "date", value: todayISO(), min: todayISO() });
  const term = select(["12", "24", "36"].map((t) => [t, `${t} months`]), "12");
  const fields = { accountId: field("Account", account), startDate: field("Start date", start), termMonths: field("Term", term) };
  const checks = {
    accountId: (value) => (value ? null : "Choose the account the quote is for."),
    startDate: (value) => (value && value >= todayISO() ? null : "Choose a start date, today or later."),
  };
  recheckOnInput(fields.accountId, checks.accountId);
  recheckOnInput(fields.startDate, checks.startDate);
  const key = clientKey(); // one per dialog: however often it is confirmed, one draft
  const quote = await formDialog({
    title: "New quote",
    intro: "Prices come in the account's currency.",
    fields: Object.values(fields),
    confirm: "Create quote",
    onSubmit: async () => {
      const local = new Map([["accountId", checks.accountId(account.value)], ["startDate", checks.startDate(start.value)]]);
      if ([...local.values()].some(Boolean)) {
        const error = new Error("Check the highlighted fields.");
        error.fieldMessage = (name) => local.get(name);
        error.shownInFields = showFieldErrors(error, fields) || true;
        throw error;
      }
      const vars = { accountId: account.value, startDate: start.value, termMonths: Number(term.value), clientKey: key };
      try {
        return (await mutate(CREATE, vars, "createQuote")).quote;
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
  if (quote) navigate(path("/quotes", quote.id));
}
