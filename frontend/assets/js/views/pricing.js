// How prices read in the app: "per month", "per seat", tier ranges. Amounts come from the
// server; this only chooses words.
import { formatMoney, h, path } from "../ui.js";

export const PERIOD_LABEL = { MONTH: "Monthly", YEAR: "Yearly", ONE_TIME: "One-time" };
export const PER_PERIOD = { MONTH: "/ month", YEAR: "/ year", ONE_TIME: "once" };
export const MODEL_LABEL = { FLAT: "Flat fee", PER_UNIT: "Per unit", TIERED: "Graduated tiers", VOLUME: "Volume tiers" };

/** The price to headline a product with: monthly first, then yearly, then one-time. */
export function headlinePrice(prices) {
  for (const period of ["MONTH", "YEAR", "ONE_TIME"]) {
    const found = prices.find((p) => p.billingPeriod === period);
    if (found) return found;
  }
  return null;
}

/** "$25.00 per unit / month", "from $10.00 per unit / month", "$2,500.00 once". */
export function priceSummary(price) {
  const per = PER_PERIOD[price.billingPeriod];
  // A metered price counts usage, per package of units when it has one ("per 1,000 units").
  const metered = price.usageType === "METERED";
  const unit = metered ? `per ${price.packageSize > 1 ? `${price.packageSize.toLocaleString()} units` : "unit"} used` : "per unit";
  const arrears = metered ? ", billed in arrears" : "";
  if (price.model === "FLAT") return { lead: "", amount: formatMoney(price.unitAmount, price.currency), tail: per + arrears };
  if (price.model === "PER_UNIT") return { lead: "", amount: formatMoney(price.unitAmount, price.currency), tail: `${unit} ${per}${arrears}` };
  const lowest = price.tiers.reduce((min, t) => (Number(t.unitAmount) < Number(min.unitAmount) ? t : min), price.tiers[0]);
  return { lead: "from ", amount: formatMoney(lowest.unitAmount, price.currency), tail: `${unit} ${per}${arrears}` };
}

export const USAGE_LABEL = { LICENSED: "Agreed quantity", METERED: "Measured usage" };
export const AGGREGATION_LABEL = { SUM: "Period total", MAX: "Period peak", LAST: "Last reading" };

/** "1–10", "11–50", "51 and up". */
export function tierRanges(tiers) {
  let from = 1;
  return tiers.map((tier) => {
    const label = tier.upTo === null ? `${from.toLocaleString()} and up` : `${from.toLocaleString()}–${tier.upTo.toLocaleString()}`;
    from = (tier.upTo ?? 0) + 1;
    return label;
  });
}

/** A line's product: its name (a link to the catalog) and, under it, how it bills. */
export function lineProduct(product, billingPeriod) {
  return [
    h("a", { class: "line-name", href: path("/products", product.sku) }, product.name),
    h("div", { class: "line-meta" }, PERIOD_LABEL[billingPeriod] || ""),
  ];
}
