// The dashboard, first in every staff member's navigation: MRR and its movements over the
// last 12 months (reps: their own book), with the export of those months as CSV; sales see
// their pipeline, renewals due, approvals waiting and (managers) the discounts given;
// finance sees receivables, billed against collected, and days sales outstanding.
import { MONEY, graphql } from "../api.js";
import { emptyState, errorState, field, formatDate, h, loading, money, pageHead, select, statusLabel, table, todayISO } from "../ui.js";
import { KIND } from "./account-offers.js";

const MONTHS = `month mrr ${MONEY} arr ${MONEY} newMrr ${MONEY} expansionMrr ${MONEY}
  contractionMrr ${MONEY} churnedMrr ${MONEY} reactivationMrr ${MONEY} activeAccounts
  churnedAccounts logoChurnPercent grossRevenueRetentionPercent netRevenueRetentionPercent`;
const METRICS = `query DashboardMetrics($currency: String!, $from: Date!, $to: Date!, $ownerId: ID) {
  revenueMetrics(currency: $currency, from: $from, to: $to, ownerId: $ownerId) { ${MONTHS} }
}`;
// The reps and managers accounts are assigned to (by name): the books the dashboard narrows to.
const OWNERS = `query DashboardOwners { accountOwners { id name } }`;
const SALES_BOARD = `query SalesDashboard($ownerId: ID) {
  salesDashboard(ownerId: $ownerId) {
    since approvalsWaiting
    pipeline { status count contractValue ${MONEY} }
    renewalsDue { withinDays count monthlyRecurringRevenue ${MONEY} }
    discountsGiven { quotes listValue ${MONEY} contractValue ${MONEY} discount ${MONEY} discountPercent }
  }
}`;
// How the next best offers fare, by kind (managers and admins; docs/recommendations.md).
const OFFERS_BOARD = `query OffersDashboard { recommendationStats { kind shown prepared accepted acceptanceRate } }`;
const FINANCE_BOARD = `query FinanceDashboard {
  receivablesSummary {
    currency open ${MONEY} overdue ${MONEY} billedLast90Days ${MONEY} daysSalesOutstanding
    trend { month billed ${MONEY} collected ${MONEY} }
  }
}`;
// The last billing run, for those who run billing (docs/operations.md, "Billing runs").
const LAST_RUN = `query DashboardLastRun { billingRuns(first: 1) { edges { node { asOf startedAt status invoicesCreated failures } } } }`;
const RUN_WORDS = { RUNNING: "Running", SUCCEEDED: "Succeeded", FAILED: "Failed", INTERRUPTED: "Interrupted" };
const SALES = ["REP", "MANAGER", "ADMIN"];
const FINANCE = ["FINANCE", "MANAGER", "ADMIN"];

/** The first day of the month `back` months before the one `iso` falls in. */
function monthStart(iso, back = 0) {
  const [year, month] = iso.split("-").map(Number);
  const index = year * 12 + (month - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`;
}
function monthEnd(iso) {
  const [year, month] = iso.split("-").map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${last}`;
}

export function render({ session, query, navigate }) {
  document.title = "Dashboard · Recur";
  const { role } = session.viewer;
  const currency = session.currency;
  const today = todayISO();
  const from = monthStart(today, 11);
  const to = monthEnd(today);
  const ownerId = role === "REP" ? null : query.get("owner") || null;
  const scope = role === "REP" ? "your accounts" : ownerId ? "one owner's accounts" : "all accounts";
  const params = { currency, from, to, ...(ownerId ? { ownerId } : {}) };
  const exportUrl = `/exports/revenue-metrics.csv?${new URLSearchParams(params)}`;
  const exportLink = h("a", { class: "button", href: exportUrl, download: "" }, "Export CSV");
  const revenue = h("div", {}, loading("Loading revenue metrics", 2));
  const sales = SALES.includes(role) ? h("div", {}, loading("Loading the pipeline", 1)) : null;
  const finance = FINANCE.includes(role) ? h("div", {}, loading("Loading receivables", 1)) : null;

  // The charting module (and its library) is fetched now, while the figures load.
  const charts = import("../charts.js");
  async function loadRevenue() {
    revenue.replaceChildren(loading("Loading revenue metrics", 2));
    try {
      const [{ revenueMetrics }, chartsModule] = await Promise.all([graphql(METRICS, { currency, from, to, ownerId }), charts]);
      revenue.replaceChildren(...revenueView(revenueMetrics, currency, chartsModule));
    } catch (error) {
      revenue.replaceChildren(errorState(error, loadRevenue));
    }
  }
  async function loadSales() {
    try {
      const offers = role === "REP" ? Promise.resolve(null) : graphql(OFFERS_BOARD).catch(() => null);
      const [{ salesDashboard }, offerStats] = await Promise.all([graphql(SALES_BOARD, { ownerId }), offers]);
      sales.replaceChildren(...salesView(salesDashboard, role, currency, offerStats?.recommendationStats));
    } catch (error) {
      sales.replaceChildren(errorState(error, loadSales));
    }
  }
  async function loadFinance() {
    try {
      const lastRun = ["FINANCE", "ADMIN"].includes(role) ? graphql(LAST_RUN) : Promise.resolve(null);
      const [{ receivablesSummary }, chartsModule, runs] = await Promise.all([graphql(FINANCE_BOARD), charts, lastRun]);
      const run = runs ? (runs.billingRuns.edges[0]?.node ?? { none: true }) : null;
      finance.replaceChildren(...financeView(receivablesSummary, currency, chartsModule, run));
    } catch (error) {
      finance.replaceChildren(errorState(error, loadFinance));
    }
  }
  // Managers and admins may narrow everything but receivables to one owner's book.
  const books = SALES.includes(role) && role !== "REP" ? h("div", { class: "toolbar toolbar--narrow" }) : null;
  async function loadBooks() {
    try {
      const { accountOwners } = await graphql(OWNERS);
      const owners = new Map(accountOwners.map((o) => [o.id, o.name]));
      const choice = select([["", "Everyone"], ...owners], ownerId || "", {
        onchange: (event) => navigate(event.target.value ? `/dashboard?owner=${encodeURIComponent(event.target.value)}` : "/dashboard"),
      });
      books.replaceChildren(field("Book", choice));
      if (ownerId && owners.has(ownerId)) subtitle.textContent = heading(`${owners.get(ownerId)}'s accounts`);
    } catch {
      books.remove(); // the dashboard works without the choice
    }
  }
  loadRevenue();
  if (books) loadBooks();
  if (sales) loadSales();
  if (finance) loadFinance();
  const heading = (whose) => `Revenue of ${whose} in ${currency}, ${formatMonth(from)} to ${formatMonth(to)}`;
  const head = pageHead("Dashboard", heading(scope), exportLink);
  const subtitle = head.querySelector("p");
  return h(
    "section",
    { "aria-labelledby": "page-title", class: "dashboard" },
    head,
    books,
    revenue,
    sales,
    finance,
  );
}

function formatMonth(iso) {
  return new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

function kpi(label, value, sub = null, tone = "") {
  return h("div", { class: "kpi" }, h("div", { class: "kpi__label" }, label), h("div", { class: "kpi__value" }, value), sub ? h("div", { class: `kpi__sub${tone ? ` kpi__sub--${tone}` : ""}` }, sub) : null);
}

function percent(value) {
  return value === null || value === undefined ? "—" : `${Number(value).toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
}

function revenueView(months, currency, { mrrChart, movementsChart }) {
  const last = months[months.length - 1];
  const first = months[0];
  const netNew = (m) =>
    Number(m.newMrr.amount) + Number(m.expansionMrr.amount) + Number(m.reactivationMrr.amount) - Number(m.contractionMrr.amount) - Number(m.churnedMrr.amount);
  const change = netNew(last);
  const sign = change > 0 ? "+" : change < 0 ? "−" : "";
  const yearAgo = Number(first.mrr.amount) - netNew(first);
  const growth = yearAgo > 0 ? ((Number(last.mrr.amount) - yearAgo) / yearAgo) * 100 : null;
  const tiles = h(
    "div",
    { class: "kpis" },
    kpi("MRR", money(last.mrr.amount, currency), `${sign}${money(Math.abs(change).toFixed(2), currency).textContent} this month`, change > 0 ? "up" : change < 0 ? "down" : ""),
    kpi("ARR", money(last.arr.amount, currency), growth === null ? "No MRR a year ago" : `${growth >= 0 ? "+" : "−"}${Math.abs(growth).toFixed(1)} % over 12 months`, growth > 0 ? "up" : growth < 0 ? "down" : ""),
    kpi("Active accounts", String(last.activeAccounts), `${last.churnedAccounts} churned this month`),
    kpi("Net revenue retention", percent(last.netRevenueRetentionPercent), `Gross ${percent(last.grossRevenueRetentionPercent)} · logo churn ${percent(last.logoChurnPercent)}`),
  );
  if (!months.some((m) => Number(m.mrr.amount) || netNew(m))) {
    return [tiles, h("div", { class: "card" }, emptyState("No recurring revenue yet", `Nothing recurring in ${currency} in these 12 months.`))];
  }
  const mrr = h("div", { class: "card card__body" });
  const moves = h("div", { class: "card card__body" });
  mrrChart(mrr, months, currency);
  movementsChart(moves, months, currency);
  return [tiles, h("div", { class: "dash-grid" }, mrr, moves)];
}

/** Offers shown, prepared and accepted by kind, with the share accepted. */
function offersCard(stats) {
  const shown = stats.reduce((sum, s) => sum + s.shown, 0);
  const accepted = stats.reduce((sum, s) => sum + s.accepted, 0);
  return h(
    "div",
    { class: "card dash-grid__wide" },
    h("div", { class: "card__body card__body--head" }, h("div", {}, h("h2", {}, "Next best offers"), h("p", { class: "card__sub" }, shown ? `${accepted} of ${shown} offers shown were taken` : "No offer shown yet"))),
    shown
      ? table(
          [
            { label: "Kind", cell: (s) => (KIND[s.kind] || [s.kind])[0] },
            { label: "Shown", numeric: true, cell: (s) => String(s.shown) },
            { label: "Prepared as quotes", numeric: true, cell: (s) => String(s.prepared) },
            { label: "Accepted", numeric: true, cell: (s) => String(s.accepted) },
            { label: "Acceptance", numeric: true, cell: (s) => (s.acceptanceRate === null ? "—" : percent(s.acceptanceRate * 100)) },
          ],
          stats,
          { caption: "Offers by kind: shown, prepared as quotes, accepted", stack: true },
        )
      : h("div", { class: "card__body" }, h("p", { class: "muted" }, "Offers appear on account pages; how they fare shows here.")),
  );
}

function salesView(board, role, currency, offerStats = null) {
  const mine = (rows) => rows.filter((row) => (row.contractValue || row.monthlyRecurringRevenue || row.listValue).currency === currency);
  const pipeline = mine(board.pipeline);
  const open = pipeline.reduce((sum, s) => sum + Number(s.contractValue.amount), 0);
  const count = pipeline.reduce((sum, s) => sum + s.count, 0);
  const renewals = mine(board.renewalsDue);
  const within = (days) => renewals.find((r) => r.withinDays === days);
  const pipelineCard = h(
    "div",
    { class: "card" },
    h("div", { class: "card__body card__body--head" }, h("div", {}, h("h2", {}, "Open pipeline"), h("p", { class: "card__sub" }, `${count} open ${count === 1 ? "quote" : "quotes"} · ${money(open.toFixed(2), currency).textContent} in contract value`))),
    pipeline.length
      ? table(
          [
            { label: "Stage", cell: (s) => h("a", { href: `/quotes?status=${s.status}` }, statusLabel(s.status)) },
            { label: "Quotes", numeric: true, cell: (s) => String(s.count) },
            { label: "Contract value", numeric: true, cell: (s) => money(s.contractValue.amount, currency) },
          ],
          pipeline,
          { caption: `Open quotes by stage, in ${currency}` },
        )
      : h("div", { class: "card__body" }, h("p", { class: "muted" }, `No open quotes in ${currency}.`)),
  );
  const renewalsCard = h(
    "div",
    { class: "card" },
    h("div", { class: "card__body card__body--head" }, h("div", {}, h("h2", {}, "Renewals due"), h("p", { class: "card__sub" }, "Active subscriptions whose term ends within"))),
    table(
      [
        { label: "Window", cell: (days) => h("a", { href: `/renewals?within=${days}` }, `${days} days`) },
        { label: "Subscriptions", numeric: true, cell: (days) => String(within(days)?.count ?? 0) },
        { label: "MRR at stake", numeric: true, cell: (days) => money(within(days)?.monthlyRecurringRevenue.amount ?? "0", currency) },
      ],
      [30, 60, 90],
      { caption: `Renewals due in 30, 60 and 90 days, in ${currency}` },
    ),
  );
  const approvals = board.approvalsWaiting;
  const discounts = mine(board.discountsGiven)[0];
  const tiles = h(
    "div",
    { class: "kpis" },
    kpi(
      "Approvals waiting",
      String(approvals),
      approvals ? h("a", { href: role === "REP" ? "/quotes?status=PENDING_APPROVAL" : "/approvals" }, role === "REP" ? "Your quotes with a manager" : "Review them") : "Nothing waits for a manager",
    ),
    role === "REP"
      ? null
      : kpi(
          "Discounts given",
          discounts ? money(discounts.discount.amount, currency) : money("0", currency),
          discounts ? `${percent(discounts.discountPercent)} off list on ${discounts.quotes} accepted ${discounts.quotes === 1 ? "quote" : "quotes"} since ${formatDate(board.since)}` : `No quotes accepted since ${formatDate(board.since)}`,
        ),
  );
  return [h("h2", { class: "dash-section" }, "Sales"), tiles, h("div", { class: "dash-grid" }, pipelineCard, renewalsCard, offerStats ? offersCard(offerStats) : null)];
}

/** The last billing run as a tile: when, how it went, what it made; a link to all of them. */
function runTile(run) {
  const all = h("a", { href: "/billing" }, "All billing runs");
  if (run.none) return kpi("Last billing run", "None yet", all);
  const tone = run.status === "SUCCEEDED" ? "up" : run.status === "RUNNING" ? "" : "down";
  const made = `${run.invoicesCreated} invoice${run.invoicesCreated === 1 ? "" : "s"}${run.failures ? `, ${run.failures} failed` : ""}`;
  return kpi("Last billing run", formatDate(run.asOf), h("span", {}, `${RUN_WORDS[run.status] ?? run.status} · ${made} · `, all), tone);
}

function financeView(summaries, currency, { barChart, PALETTE }, run = null) {
  const summary = summaries.find((s) => s.currency === currency);
  if (!summary) return [h("h2", { class: "dash-section" }, "Receivables"), h("div", { class: "card" }, emptyState("Nothing billed", `No invoices in ${currency} yet.`))];
  const tiles = h(
    "div",
    { class: "kpis" },
    kpi("Open receivables", money(summary.open.amount, currency), h("a", { href: "/billing" }, "Aging by account")),
    kpi("Overdue", money(summary.overdue.amount, currency), Number(summary.overdue.amount) ? "Past their due date" : "Nothing overdue", Number(summary.overdue.amount) ? "down" : ""),
    kpi("Days sales outstanding", summary.daysSalesOutstanding === null ? "—" : `${summary.daysSalesOutstanding} days`, `Billed in the last 90 days: ${money(summary.billedLast90Days.amount, currency).textContent}`),
    run ? runTile(run) : null,
  );
  const trend = h("div", { class: "card card__body" });
  barChart(trend, {
    title: "Billed and collected",
    months: summary.trend.map((m) => m.month),
    currency,
    caption: `Invoiced and collected in ${currency} by month`,
    series: [
      { label: "Billed", values: summary.trend.map((m) => Number(m.billed.amount)), color: PALETTE.accent },
      { label: "Collected", values: summary.trend.map((m) => Number(m.collected.amount)), color: PALETTE.ok },
    ],
  });
  return [h("h2", { class: "dash-section" }, "Receivables"), tiles, trend];
}
