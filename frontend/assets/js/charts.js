// Charts for the screens that chart, on uPlot (frontend/assets/vendor/uplot, MIT). This module
// and the library load with the first screen that imports it (dynamic import()), never with
// the first page. Every chart comes with its figures as a table for screen readers (and for
// anyone who opens "Show the figures").
import uPlot from "../vendor/uplot/uPlot.esm.js";
import { h, table } from "./ui.js";

let styled = false;
/** uPlot's style sheet and the charts' own, added once. */
function addStyles() {
  if (styled) return;
  styled = true;
  for (const href of ["/assets/vendor/uplot/uPlot.min.css", "/assets/css/charts.css"]) {
    document.head.append(h("link", { rel: "stylesheet", href }));
  }
}

const COLORS = {
  accent: "#5146d8",
  accentSoft: "rgba(81, 70, 216, 0.12)",
  ok: "#0e7a4b",
  okLight: "#47b07f",
  teal: "#1f8ea3",
  danger: "#c0233b",
  dangerLight: "#e0707f",
  grid: "#e6e9ef",
  ink: "#697386",
};
export const PALETTE = COLORS;

const MONTH = new Intl.DateTimeFormat(undefined, { month: "short", year: "2-digit", timeZone: "UTC" });
const MONTH_LONG = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
/** "2026-03-01" → seconds since the epoch, what uPlot's x axis counts. */
const seconds = (iso) => Date.parse(`${iso}T00:00:00Z`) / 1000;
export const monthLabel = (iso) => MONTH_LONG.format(new Date(`${iso}T00:00:00Z`));

function compact(value, currency) {
  return new Intl.NumberFormat(undefined, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** Size the chart to its box, and again whenever the box changes (phone rotation, sidebar). */
function fit(plot, box, height) {
  const resize = () => {
    const width = Math.max(240, Math.floor(box.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height });
  };
  new ResizeObserver(resize).observe(box);
  requestAnimationFrame(resize);
}

/**
 * A chart in a figure: its title, the plot, a legend of its series and a table of its
 * figures. `series`: [{ label, values, color, kind: "line" | "bar", fill }]; bars of one
 * chart stack (positive up, negative down), lines draw over them.
 */
export function chart(element, { title, months, series, currency, caption, columns, rows, height = 260, format = null }) {
  const label = format || ((value) => compact(value, currency));
  addStyles();
  const box = h("div", { class: "chart__plot", "aria-hidden": "true" });
  const figures = h(
    "details",
    { class: "chart__figures" },
    h("summary", {}, "Show the figures"),
    table(columns, rows, { caption }),
  );
  const legend = h(
    "ul",
    { class: "chart__legend", "aria-hidden": "true" },
    series.map((s) => h("li", {}, h("span", { class: `chart__key chart__key--${s.kind}`, style: `--key: ${s.color}` }), s.label)),
  );
  element.replaceChildren(h("figure", { class: "chart" }, h("figcaption", { class: "chart__title" }, title), legend, box, figures));
  const x = months.map(seconds);
  const bars = series.filter((s) => s.kind === "bar");
  // Stacked bars: each bar series is drawn from the top of the ones before it, on its side.
  const up = new Array(x.length).fill(0);
  const down = new Array(x.length).fill(0);
  const stacked = bars.map((s) =>
    s.values.map((v, i) => {
      const side = v >= 0 ? up : down;
      side[i] += v;
      return side[i];
    }),
  );
  const data = [x];
  const options = [{}];
  // uPlot draws series in order: the stacked tops from the outermost in, so inner bars cover
  // the outer ones and each band shows its own part.
  bars
    .map((s, i) => ({ s, i }))
    .reverse()
    .forEach(({ s, i }) => {
      data.push(stacked[i]);
      options.push({
        label: s.label,
        stroke: s.color,
        fill: s.color,
        width: 0,
        paths: uPlot.paths.bars({ size: [0.6, 36], align: 0 }),
        points: { show: false },
      });
    });
  for (const s of series.filter((s) => s.kind !== "bar")) {
    data.push(s.values);
    options.push({ label: s.label, stroke: s.color, width: 2.5, fill: s.fill || undefined, points: { size: 6, fill: s.color } });
  }
  const axis = { stroke: COLORS.ink, grid: { stroke: COLORS.grid, width: 1 }, ticks: { show: false }, font: "12px system-ui, sans-serif" };
  const plot = new uPlot(
    {
      width: 600,
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      padding: [12, 12, 0, 4],
      scales: { x: { time: true, range: (u, min, max) => [min - 14 * 86400, max + 14 * 86400] } },
      axes: [
        // Ticks at the data's months only (a few months would otherwise get one every half
        // month, each labelled with its month), every k-th when they would crowd.
        { ...axis, grid: { show: false }, splits: (u) => x.filter((_, i) => i % Math.max(1, Math.ceil((x.length * 56) / u.width)) === 0), values: (u, ticks) => ticks.map((t) => MONTH.format(new Date(t * 1000))), space: 56 },
        { ...axis, size: 64, values: (u, ticks) => ticks.map(label) },
      ],
      series: options,
    },
    data,
    box,
  );
  fit(plot, box, height);
  return plot;
}

/** MRR month by month (a line over a soft area), with its table. */
export function mrrChart(element, months, currency) {
  const rows = months.map((m) => m);
  return chart(element, {
    title: "MRR at each month's end",
    months: months.map((m) => m.month),
    currency,
    series: [{ label: "MRR", values: months.map((m) => Number(m.mrr.amount)), color: COLORS.accent, kind: "line", fill: COLORS.accentSoft }],
    caption: `MRR in ${currency} at the end of each month`,
    columns: [
      { label: "Month", cell: (m) => monthLabel(m.month) },
      { label: "MRR", numeric: true, cell: (m) => m.mrr.amount },
      { label: "ARR", numeric: true, cell: (m) => m.arr.amount },
      { label: "Active accounts", numeric: true, cell: (m) => String(m.activeAccounts) },
    ],
    rows,
  });
}

/** The movements of each month as stacked bars: gains up, losses down; net new as a line. */
export function movementsChart(element, months, currency) {
  const value = (key, sign = 1) => months.map((m) => sign * Number(m[key].amount));
  const net = months.map(
    (m) => Number(m.newMrr.amount) + Number(m.expansionMrr.amount) + Number(m.reactivationMrr.amount) - Number(m.contractionMrr.amount) - Number(m.churnedMrr.amount),
  );
  return chart(element, {
    title: "MRR movements",
    months: months.map((m) => m.month),
    currency,
    series: [
      { label: "New", values: value("newMrr"), color: COLORS.ok, kind: "bar" },
      { label: "Expansion", values: value("expansionMrr"), color: COLORS.okLight, kind: "bar" },
      { label: "Reactivation", values: value("reactivationMrr"), color: COLORS.teal, kind: "bar" },
      { label: "Contraction", values: value("contractionMrr", -1), color: COLORS.dangerLight, kind: "bar" },
      { label: "Churned", values: value("churnedMrr", -1), color: COLORS.danger, kind: "bar" },
      { label: "Net new MRR", values: net, color: COLORS.accent, kind: "line" },
    ],
    caption: `MRR movements in ${currency} by month`,
    columns: [
      { label: "Month", cell: (m) => monthLabel(m.month) },
      { label: "New", numeric: true, cell: (m) => m.newMrr.amount },
      { label: "Expansion", numeric: true, cell: (m) => m.expansionMrr.amount },
      { label: "Reactivation", numeric: true, cell: (m) => m.reactivationMrr.amount },
      { label: "Contraction", numeric: true, cell: (m) => m.contractionMrr.amount },
      { label: "Churned", numeric: true, cell: (m) => m.churnedMrr.amount },
      { label: "MRR", numeric: true, cell: (m) => m.mrr.amount },
    ],
    rows: months,
  });
}

/** Bars side by side for a few series over months (e.g. billed and collected). */
export function barChart(element, { title, months, currency, series, caption }) {
  return chart(element, {
    title,
    months: months,
    currency,
    series: series.map((s, i) => ({ ...s, kind: i === 0 ? "bar" : "line" })),
    caption,
    columns: [{ label: "Month", cell: (i) => monthLabel(months[i]) }, ...series.map((s) => ({ label: s.label, numeric: true, cell: (i) => String(s.values[i]) }))],
    rows: months.map((_, i) => i),
  });
}

const COUNT = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** One metered item's usage period by period, as bars (not money: units used). */
export function usageChart(element, periods, productName) {
  return chart(element, {
    title: `${productName}: usage by period`,
    months: periods.map((p) => p.periodStart),
    format: (value) => COUNT.format(value),
    series: [{ label: "Units used", values: periods.map((p) => Number(p.usage)), color: COLORS.accent, kind: "bar" }],
    caption: `${productName}: units used in each period`,
    columns: [
      { label: "Period from", cell: (p) => monthLabel(p.periodStart) },
      { label: "Units used", numeric: true, cell: (p) => Number(p.usage).toLocaleString() },
    ],
    rows: periods,
    height: 200,
  });
}
