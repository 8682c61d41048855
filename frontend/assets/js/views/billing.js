// Billing: receivables aging and overdue invoices; finance and admins also run billing and
// record payments here, and both lists follow at once. Managers read the receivables only.
import { MONEY, graphql, mutate } from "../api.js";
import {
  alertBox, badge, confirmDialog, emptyState, errorState, field, formatDate, formatDateTime, h, loading, money, pageHead, pagedList, path, table, todayISO,
} from "../ui.js";
import { paymentForm, paymentResult } from "./record-payment.js";

const BUCKETS = [
  ["current", "Current"],
  ["days1To30", "1–30 days"],
  ["days31To60", "31–60 days"],
  ["days61To90", "61–90 days"],
  ["over90", "90+ days"],
  ["total", "Total"],
];
const BUCKET_FIELDS = BUCKETS.map(([key]) => `${key} ${MONEY}`).join(" ");
const AGING = `{ receivablesAging {
  asOf
  accounts { account { id name currency } buckets { ${BUCKET_FIELDS} } }
  totals { currency ${BUCKET_FIELDS} }
} }`;
const OVERDUE = `query Overdue($after: String) {
  invoices(first: 50, after: $after, overdue: true) {
    pageInfo { hasNextPage endCursor }
    edges { node { id number dueDate account { id name } balanceDue ${MONEY} } }
  }
}`;
const RUN = `mutation RunBilling($asOf: Date) {
  runBilling(input: { asOf: $asOf }) {
    run { asOf invoicesCreated renewed expired autopayPaid autopayDeclined invoices { id number } failedAccounts { accountId name error } }
    userErrors { field message code }
  }
}`;
const RUNS = `query BillingRuns($after: String) {
  billingRuns(first: 10, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id asOf trigger startedBy startedAt finishedAt status accounts invoicesCreated creditNotesCreated failures error } }
  }
}`;
const RUN_STATUS = { RUNNING: ["Running", "info"], SUCCEEDED: ["Succeeded", "ok"], FAILED: ["Failed", "danger"], INTERRUPTED: ["Interrupted", "warn"] };
const ACCOUNTS = `{ accounts(first: 100) { edges { node { id name currency } } } }`;
const DAY = 86_400_000;

export function render({ session }) {
  const finance = ["FINANCE", "ADMIN"].includes(session.viewer.role);
  const title = finance ? "Billing" : "Receivables";
  document.title = `${title} · Recur`;
  const aging = agingSection();
  const payments = finance ? paymentSection(refresh) : null;
  const overdue = overdueSection(payments);
  const runs = finance ? runsSection() : null;
  function refresh() {
    aging.reload();
    overdue.reload();
    runs?.reload();
  }
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead(title, finance ? "What is owed, billing runs and payments received" : "What the accounts owe, and what is overdue"),
    h(
      "div",
      { class: "stack-lg" },
      aging.element,
      finance ? h("div", { class: "split" }, overdue.element, h("div", { class: "stack-lg" }, runSection(refresh), payments.element)) : overdue.element,
      runs?.element,
    ),
  );
}

/** A card with a heading, a line under it, and its body. */
function card(id, title, sub, ...body) {
  return h(
    "section",
    { class: "card", "aria-labelledby": id },
    h("div", { class: "card__body card__body--head" }, h("div", {}, h("h2", { id }, title), h("p", { class: "card__sub" }, sub))),
    body,
  );
}

// ---- receivables aging ---------------------------------------------------------------------

function agingSection() {
  const asOf = h("span", {}, "Open balances by days past due");
  const body = h("div", {}, loading("Loading the receivables", 1));
  const element = card("aging-title", "Receivables aging", asOf, body);
  let request = 0;

  async function reload() {
    const mine = ++request;
    try {
      const { receivablesAging: aging } = await graphql(AGING);
      if (mine !== request) return;
      asOf.textContent = `Open balances by days past due, as of ${formatDate(aging.asOf)}`;
      body.replaceChildren(
        aging.accounts.length
          ? agingTable(aging)
          : emptyState("Nothing is owed", "Every invoice is paid. Balances appear here when invoices are issued."),
      );
    } catch (error) {
      if (mine === request) body.replaceChildren(errorState(error, reload));
    }
  }
  reload();
  return { element, reload };
}

function agingTable(aging) {
  const bucket = ([key, label], i) => ({
    label,
    numeric: true,
    cell: (row) => {
      const amount = row.buckets[key];
      const zero = Number(amount.amount) === 0;
      const late = i > 0 && key !== "total" && !zero;
      const text = money(amount.amount, amount.currency);
      if (zero) text.classList.add("muted");
      if (late) text.classList.add("money--overdue");
      return key === "total" ? h("strong", {}, text) : text;
    },
  });
  const rows = aging.accounts.map((a) => ({ name: a.account.name, currency: a.account.currency, buckets: a.buckets }));
  const foot = aging.totals.map((t) => ({ total: true, currency: t.currency, buckets: t }));
  return table(
    [
      {
        label: "Account",
        cell: (row) =>
          row.total
            ? h("span", {}, `Total ${row.currency}`)
            : [h("div", { class: "line-name" }, row.name), h("div", { class: "line-meta" }, row.currency)],
      },
      ...BUCKETS.map(bucket),
    ],
    rows,
    { caption: "Receivables aging", stack: true, foot },
  );
}

// ---- overdue invoices ------------------------------------------------------------------------

function overdueSection(payments) {
  const today = new Date().toISOString().slice(0, 10); // the server's day, in UTC
  const daysLate = (invoice) => Math.round((Date.parse(today) - Date.parse(invoice.dueDate)) / DAY);
  const list = pagedList({
    card: false,
    more: "Show more overdue invoices",
    fetch: async (after) => {
      const { invoices } = await graphql(OVERDUE, { after });
      return { nodes: invoices.edges.map((e) => e.node), pageInfo: invoices.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Invoice", cell: (i) => h("a", { class: "nowrap", href: path("/invoices", i.id) }, h("strong", {}, i.number)) },
          { label: "Account", cell: (i) => i.account?.name ?? "—" },
          { label: "Due", cell: (i) => h("span", { class: "nowrap" }, formatDate(i.dueDate)) },
          { label: "Overdue", numeric: true, cell: (i) => h("span", { class: "text-danger" }, `${daysLate(i)} ${daysLate(i) === 1 ? "day" : "days"}`) },
          { label: "Balance due", numeric: true, cell: (i) => money(i.balanceDue.amount, i.balanceDue.currency) },
          payments && {
            label: "Record a payment",
            hideLabel: true,
            cell: (i) =>
              h(
                "button",
                {
                  class: "button button--small",
                  type: "button",
                  "aria-label": `Record a payment for ${i.number}`,
                  onclick: () => payments.prefill(i.account.id, i.balanceDue.amount),
                },
                "Record payment",
              ),
          },
        ].filter(Boolean),
        rows,
        { caption: "Overdue invoices", stack: true },
      ),
    empty: () => emptyState("No overdue invoices", "Every open invoice is within its payment terms."),
  });
  const element = card("overdue-title", "Overdue invoices", "Open and past their due date, newest first", list.element);
  return { element, reload: list.reload };
}

// ---- billing run -----------------------------------------------------------------------------

function runSection(refresh) {
  const asOf = h("input", { type: "date", value: todayISO(), required: true });
  const asOfField = field("Bill charges due by", asOf, "Terms that end by then renew or end first. A date already billed creates nothing new.");
  const problem = alertBox();
  const button = h("button", { class: "button button--primary", type: "submit" }, "Run billing");
  const result = h("div", { "aria-live": "polite" });

  async function run(event) {
    event.preventDefault();
    if (button.disabled) return;
    problem.show(null);
    const day = asOf.value;
    asOfField.showError(day ? null : "Enter the date to bill up to.");
    if (!day) return asOf.focus();
    const ahead = Math.round((Date.parse(day) - Date.parse(todayISO())) / DAY);
    if (
      ahead > 0 &&
      !(await confirmDialog({
        title: `Bill ahead to ${formatDate(day)}?`,
        body: `That is ${ahead} ${ahead === 1 ? "day" : "days"} from today: periods starting by then are invoiced now, dated ${formatDate(day)}.`,
        confirm: "Run billing",
      }))
    ) return;
    button.disabled = true;
    button.textContent = "Running…";
    try {
      const { run } = await mutate(RUN, { asOf: day }, "runBilling");
      result.replaceChildren(await runResult(run));
      refresh();
    } catch (error) {
      problem.show(error.message);
    } finally {
      button.disabled = false;
      button.textContent = "Run billing";
    }
  }

  return h(
    "section",
    { class: "card", "aria-labelledby": "run-title" },
    h(
      "form",
      { class: "card__body stack", onsubmit: run, novalidate: true },
      h("div", {}, h("h2", { id: "run-title" }, "Run billing"), h("p", { class: "card__sub" }, "One invoice per account for every charge due and not yet invoiced.")),
      asOfField,
      problem,
      h("div", {}, button),
      result,
    ),
  );
}

async function runResult(run) {
  const day = formatDate(run.asOf);
  const plural = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
  const terms = [run.renewed && `${plural(run.renewed, "subscription", "subscriptions")} renewed`, run.expired && `${plural(run.expired, "subscription", "subscriptions")} ended`].filter(Boolean);
  const autopay =
    run.autopayPaid || run.autopayDeclined
      ? h("p", { class: "muted" }, `Autopay: ${plural(run.autopayPaid, "invoice", "invoices")} paid${run.autopayDeclined ? `, ${plural(run.autopayDeclined, "charge", "charges")} declined (retried on the dunning schedule)` : ""}.`)
      : null;
  const failed = run.failedAccounts.length
    ? h(
        "div",
        { class: "alert alert--error", role: "alert" },
        h("p", {}, `${plural(run.failedAccounts.length, "account", "accounts")} could not be billed; the next run tries again:`),
        h("ul", { class: "result-list" }, run.failedAccounts.map((f) => h("li", {}, h("strong", {}, f.name), `: ${f.error}`))),
      )
    : null;
  if (!run.invoicesCreated) {
    return h(
      "div",
      { class: "stack" },
      h("p", { class: "notice" }, `Nothing new to invoice as of ${day}.`),
      terms.length ? h("p", { class: "muted" }, `${terms.join(", ")}.`) : null,
      autopay,
      failed,
    );
  }
  return h(
    "div",
    { class: "stack" },
    h("p", { class: "notice notice--ok" }, `${plural(run.invoicesCreated, "invoice", "invoices")} created, dated ${day}${terms.length ? `; ${terms.join(", ")}` : ""}.`),
    h(
      "ul",
      { class: "link-list", "aria-label": "Invoices created" },
      run.invoices.map((invoice) => h("li", {}, h("a", { href: path("/invoices", invoice.id) }, invoice.number))),
    ),
    autopay,
    failed,
  );
}

// ---- recorded runs ---------------------------------------------------------------------------

/** "4 min 2 s" between two instants, or "—" while unfinished. */
function duration(start, end) {
  if (!end) return "—";
  const seconds = Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
  if (seconds < 1) return "under 1 s";
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function runsSection() {
  const count = (n) => (n ? n.toLocaleString() : h("span", { class: "muted" }, "0"));
  const list = pagedList({
    card: false,
    more: "Show older runs",
    fetch: async (after) => {
      const { billingRuns } = await graphql(RUNS, { after });
      return { nodes: billingRuns.edges.map((e) => e.node), pageInfo: billingRuns.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Started", cell: (r) => h("span", { class: "nowrap" }, formatDateTime(r.startedAt)) },
          { label: "As of", cell: (r) => h("span", { class: "nowrap" }, formatDate(r.asOf)) },
          { label: "Started by", cell: (r) => h("span", { class: "nowrap" }, r.startedBy) },
          {
            label: "Status",
            cell: (r) => {
              const [text, tone] = RUN_STATUS[r.status] ?? [r.status, ""];
              return r.error ? h("span", { title: r.error }, badge(text, tone)) : badge(text, tone);
            },
          },
          { label: "Accounts", numeric: true, cell: (r) => count(r.accounts) },
          { label: "Invoices", numeric: true, cell: (r) => count(r.invoicesCreated) },
          { label: "Credit notes", numeric: true, cell: (r) => count(r.creditNotesCreated) },
          { label: "Failures", numeric: true, cell: (r) => (r.failures ? h("span", { class: "text-danger" }, r.failures.toLocaleString()) : count(0)) },
          { label: "Duration", numeric: true, cell: (r) => h("span", { class: "nowrap" }, duration(r.startedAt, r.finishedAt)) },
        ],
        rows,
        { caption: "Billing runs", stack: true },
      ),
    empty: () => emptyState("No billing runs yet", "Each run appears here: the daily one, those run from the command line and those started on this page."),
  });
  const element = card("runs-title", "Billing runs", "Every run, newest first: the daily schedule, the command line and this page", list.element);
  return { element, reload: list.reload };
}

// ---- payments ------------------------------------------------------------------------------

function paymentSection(refresh) {
  const problem = alertBox();
  const button = h("button", { class: "button button--primary", type: "submit", disabled: true }, "Record payment");
  const result = h("div", { "aria-live": "polite" });
  const fieldsEl = h("div", { class: "stack" }, loading("Loading accounts", 1));
  let form = null;

  async function loadAccounts() {
    try {
      const accounts = (await graphql(ACCOUNTS)).accounts.edges.map((e) => e.node);
      form = paymentForm({ accounts });
      fieldsEl.replaceChildren(...form.fields);
      button.disabled = false;
    } catch (error) {
      fieldsEl.replaceChildren(errorState(error, loadAccounts));
    }
  }

  async function record(event) {
    event.preventDefault();
    if (button.disabled || !form) return;
    button.disabled = true;
    problem.show(null);
    try {
      const payment = await form.submit();
      result.replaceChildren(paymentResult(payment));
      form.reset();
      refresh();
    } catch (error) {
      problem.show(error.shownInFields ? null : error.message);
    } finally {
      button.disabled = false;
    }
  }

  loadAccounts();
  const element = h(
    "section",
    { class: "card", "aria-labelledby": "payment-title" },
    h(
      "form",
      { class: "card__body stack", onsubmit: record, novalidate: true },
      h("div", {}, h("h2", { id: "payment-title" }, "Record a payment"), h("p", { class: "card__sub" }, "It pays the account's open invoices, oldest due first; anything left over becomes account credit.")),
      problem,
      fieldsEl,
      h("div", {}, button),
      result,
    ),
  );
  return {
    element,
    prefill(accountId, amount) {
      if (!form) return;
      result.replaceChildren();
      form.prefill(accountId, amount);
    },
  };
}
