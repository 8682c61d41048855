// A subscription's metered usage per period (a chart per metered item, once the charting
// module has loaded, and a table with a bar per period) and the upcoming invoice: exactly
// what the next billing run will invoice (docs/usage.md).
import { MONEY } from "../api.js";
import { badge, formatDate, h, money, table, totals } from "../ui.js";

export const USAGE_FIELDS = `
    usage { subscriptionItemId productName periodStart periodEnd usage quantity amount ${MONEY} invoiced }
    upcomingInvoice { issueDate subtotal ${MONEY} tax ${MONEY} total ${MONEY}
      lines { description productName periodStart periodEnd quantity metered lateUsage usage amount ${MONEY} } }`;

const units = (n) => Number(n).toLocaleString();

/** The period's usage as a bar, scaled to the largest period shown. */
function bar(value, largest) {
  const share = largest > 0 ? Math.max(0, Math.min(1, value / largest)) : 0;
  return h(
    "div",
    { class: "usage-bar" },
    h("span", { class: "usage-bar__track", "aria-hidden": "true" }, h("span", { class: "usage-bar__fill", style: `width: ${(share * 100).toFixed(1)}%` })),
    h("span", { class: "usage-bar__value" }, units(value)),
  );
}

/** "Dec 1 – Dec 31, 2026": period ends are exclusive, so the last day is the day before. */
function period(start, end) {
  const last = new Date(`${end}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  return `${formatDate(start)} – ${formatDate(last.toISOString().slice(0, 10))}`;
}

export function usageCard(s) {
  if (!s.usage?.length) return null;
  const largest = Math.max(...s.usage.map((p) => Number(p.usage)));
  const rows = [...s.usage].reverse(); // newest first
  return h(
    "section",
    { class: "card", "aria-labelledby": "usage-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "usage-title" }, "Usage"), h("p", { class: "muted" }, "Metered items, billed at the end of each period.")),
    charts(s.usage),
    table(
      [
        { label: "Product", cell: (p) => p.productName },
        { label: "Period", cell: (p) => period(p.periodStart, p.periodEnd) },
        { label: "Usage", cell: (p) => bar(p.usage, largest) },
        { label: "Billed as", numeric: true, cell: (p) => units(p.quantity) },
        { label: "Amount", numeric: true, cell: (p) => money(p.amount.amount, p.amount.currency) },
        { label: "Status", cell: (p) => h("span", { class: "nowrap" }, p.invoiced ? badge("Invoiced", "ok") : badge("To date", "info")) },
      ],
      rows,
      { caption: `Usage of ${s.number}`, stack: true },
    ),
  );
}

/** A chart of each metered item's periods (two periods at least: one is a bar, not a trend). */
function charts(periods) {
  const byItem = new Map();
  for (const p of periods) byItem.set(p.subscriptionItemId, [...(byItem.get(p.subscriptionItemId) || []), p]);
  const shown = [...byItem.values()].filter((item) => item.length > 1);
  if (!shown.length) return null;
  const boxes = shown.map(() => h("div", { class: "card__body usage-chart" }));
  import("../charts.js")
    .then(({ usageChart }) => shown.forEach((item, i) => usageChart(boxes[i], item, item[0].productName)))
    .catch(() => boxes.forEach((box) => box.remove())); // the table says it all
  return boxes;
}

export function upcomingCard(s) {
  const next = s.upcomingInvoice;
  if (!next) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "upcoming-title" },
    h(
      "div",
      { class: "card__body card__body--head" },
      h("h2", { id: "upcoming-title" }, "Upcoming invoice"),
      h("p", { class: "muted" }, `Issued on ${formatDate(next.issueDate)}; metered lines show the usage so far.`),
    ),
    table(
      [
        { label: "Line", cell: (l) => [l.productName, " ", l.lateUsage ? badge("Recorded late", "warn") : l.metered ? badge("Usage to date", "info") : null] },
        { label: "Period", cell: (l) => (l.periodEnd ? period(l.periodStart, l.periodEnd) : formatDate(l.periodStart)) },
        { label: "Quantity", numeric: true, cell: (l) => (l.lateUsage ? `${units(l.quantity)} more (${units(l.usage)} used in all)` : l.metered ? `${units(l.quantity)} (${units(l.usage)} used)` : units(l.quantity)) },
        { label: "Amount", numeric: true, cell: (l) => money(l.amount.amount, l.amount.currency) },
      ],
      next.lines,
      { caption: `Upcoming invoice of ${s.number}`, stack: true },
    ),
    h(
      "div",
      { class: "card__body card__section" },
      totals([
        ["Subtotal", money(next.subtotal.amount, next.subtotal.currency)],
        ["Tax", money(next.tax.amount, next.tax.currency)],
        ["Total", money(next.total.amount, next.total.currency)],
      ]),
    ),
  );
}
