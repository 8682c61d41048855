// Renewals: the active subscriptions whose term ends in the next 30, 60 or 90 days (or has
// ended and waits for the billing run), how each renews, and the monthly revenue at stake.
import { MONEY, graphql } from "../api.js";
import { setQuery } from "../router.js";
import { badge, emptyState, errorState, field, formatDate, h, loading, money, pageHead, path, select, statusLabel, table } from "../ui.js";
import { SALES, prepareRenewal } from "./change-quotes.js";
import { lastDay } from "./subscription-change.js";

const RENEWALS = `query Renewals($withinDays: Int) {
  renewals(withinDays: $withinDays) {
    asOf withinDays
    entries {
      renewalStatus
      renewalQuote { id number status }
      subscription {
        id number termMonths currentTermEnd autoRenew account { name }
        monthlyRecurringRevenue ${MONEY}
      }
    }
    totals { currency count monthlyRecurringRevenue ${MONEY} }
  }
}`;
const WINDOWS = ["30", "60", "90"];
const DEFAULT_WINDOW = "90";
const DAY = 86_400_000;
const STATUS = {
  AGREED: ["Agreed", "ok"],
  QUOTED: ["Quoted", "info"],
  AUTO_RENEWS: ["Renews automatically", ""],
  EXPIRES: ["Expires", "warn"],
};

export function render({ query, session, navigate }) {
  document.title = "Renewals · Recur";
  const { role } = session.viewer;
  const asked = query.get("within");
  const within = select(
    WINDOWS.map((days) => [days, `${days} days`]),
    WINDOWS.includes(asked) ? asked : DEFAULT_WINDOW,
  );
  const scope = role === "REP" ? "the accounts you own" : "all accounts";
  const body = h("div", { class: "card" }, loading("Loading the renewals", 1));
  let request = 0;

  async function load() {
    const mine = ++request;
    body.replaceChildren(loading("Loading the renewals", 1));
    try {
      const { renewals } = await graphql(RENEWALS, { withinDays: Number(within.value) });
      if (mine !== request) return;
      body.replaceChildren(...(renewals.entries.length ? view(renewals, role, navigate) : [nothingDue(renewals, showAll)]));
    } catch (error) {
      if (mine === request) body.replaceChildren(errorState(error, load));
    }
  }
  function choose(days) {
    within.value = days;
    setQuery({ within: days === DEFAULT_WINDOW ? null : days });
    load();
  }
  function showAll() {
    choose(DEFAULT_WINDOW);
    within.focus();
  }
  within.addEventListener("change", () => choose(within.value));
  load();
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Renewals", `Subscriptions of ${scope} whose term is ending, and how each one renews`),
    h("div", { class: "toolbar toolbar--narrow", role: "search" }, field("Due within", within)),
    body,
  );
}

/** The card's head (what is due, as of when) and the table with its totals. */
function view(renewals, role, navigate) {
  const count = renewals.entries.length;
  const expiring = renewals.entries.filter((e) => e.renewalStatus === "EXPIRES").length;
  const summary = [
    `${count} ${count === 1 ? "subscription" : "subscriptions"}`,
    expiring ? `${expiring} ${expiring === 1 ? "ends" : "end"} unless renewed` : null,
    `as of ${formatDate(renewals.asOf)}`,
  ].filter(Boolean);
  return [
    h(
      "div",
      { class: "card__body card__body--head" },
      h("div", {}, h("h2", {}, `Ending in the next ${renewals.withinDays} days`), h("p", { class: "card__sub" }, summary.join(" · "))),
    ),
    renewalsTable(renewals, role, navigate),
  ];
}

function renewalsTable(renewals, role, navigate) {
  const sales = SALES.includes(role);
  const foot = renewals.totals.map((t) => ({ total: t }));
  const skipTotal = (cell) => (row) => (row.total ? null : cell(row));
  return table(
    [
      {
        label: "Subscription",
        cell: (row) =>
          row.total
            ? [h("div", {}, `At stake in ${row.total.currency}`), h("div", { class: "line-meta" }, `${row.total.count} ${row.total.count === 1 ? "subscription" : "subscriptions"}`)]
            : [h("a", { href: path("/subscriptions", row.subscription.id) }, h("strong", {}, row.subscription.number)), h("div", { class: "line-meta" }, `${row.subscription.termMonths}-month term`)],
      },
      { label: "Account", cell: skipTotal(account) },
      { label: "Term ends", cell: skipTotal((row) => termEnd(row.subscription, renewals.asOf)) },
      { label: "Auto-renew", cell: skipTotal((row) => (row.subscription.autoRenew ? "On" : h("span", { class: "muted" }, "Off"))) },
      { label: "Renewal", cell: skipTotal(renewal) },
      {
        label: "MRR",
        numeric: true,
        cell: (row) => {
          const amount = row.total ? row.total.monthlyRecurringRevenue : row.subscription.monthlyRecurringRevenue;
          return money(amount.amount, amount.currency);
        },
      },
      sales && { label: "Action", hideLabel: true, cell: skipTotal((row) => action(row, navigate)) },
    ].filter(Boolean),
    renewals.entries,
    { caption: `Renewals due in the next ${renewals.withinDays} days`, stack: true, foot },
  );
}

/** Staff have no account page yet: the link finds the account in the accounts list. */
function account(row) {
  const name = row.subscription.account?.name;
  return name ? h("a", { href: `/accounts?q=${encodeURIComponent(name)}` }, name) : "—";
}

/** The term's last day, and how far it is from today (the server's day). */
function termEnd(subscription, asOf) {
  const last = lastDay(subscription.currentTermEnd);
  const days = Math.round((Date.parse(last) - Date.parse(asOf)) / DAY);
  const plural = (n) => `${n} ${n === 1 ? "day" : "days"}`;
  const when = days > 1 ? `in ${plural(days)}` : days === 1 ? "tomorrow" : days === 0 ? "today" : `ended ${plural(-days)} ago`;
  return [h("div", { class: "nowrap" }, formatDate(last)), h("div", { class: `line-meta${days < 0 ? " text-danger" : ""}` }, when)];
}

/** The status badge; with a renewal quote, its number (linked) and where it stands. */
function renewal(row) {
  const [text, tone] = STATUS[row.renewalStatus] || [row.renewalStatus, ""];
  const quote = row.renewalQuote;
  return [
    badge(text, tone),
    quote
      ? h("div", { class: "line-meta" }, h("a", { href: path("/quotes", quote.id) }, quote.number), ` · ${statusLabel(quote.status)}`)
      : h("div", { class: "line-meta" }, row.renewalStatus === "EXPIRES" ? "Auto-renew is off" : `For another ${row.subscription.termMonths} months`),
  ];
}

/** What sales does about a renewal: open its quote, or prepare one on other terms. */
function action(row, navigate) {
  const quote = row.renewalQuote;
  if (quote) return h("a", { class: "button button--small", href: path("/quotes", quote.id), "aria-label": `Open ${quote.number}` }, "Open quote");
  const s = row.subscription;
  return h("button", { class: "button button--small", type: "button", "aria-label": `Prepare a renewal quote for ${s.number}`, onclick: () => prepareRenewal(s, navigate) }, "Prepare quote");
}

function nothingDue(renewals, showAll) {
  const days = renewals.withinDays;
  const longest = String(days) === DEFAULT_WINDOW;
  return emptyState(
    `No renewals in the next ${days} days`,
    longest
      ? "No active subscription's term ends within 90 days. Subscriptions appear here three months before their term ends, with whether they renew automatically or expire."
      : `No active subscription's term ends within ${days} days. Look further ahead to prepare renewals in time.`,
    longest ? null : h("button", { class: "button", type: "button", onclick: showAll }, "Show the next 90 days"),
  );
}
