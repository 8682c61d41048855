// Changing a subscription: new quantities, add-ons and upgrades, an effective date, and the
// exact preview from the server (the invoice or credit note the change makes, line by line,
// and the new monthly total) before anything is committed.
import { ApiError, MONEY, graphql, mutate } from "../api.js";
import { alertBox, debounce, field, formatDate, formatMoney, h, money, select, table, toast, todayISO, totals } from "../ui.js";
import { PERIOD_LABEL } from "./pricing.js";
import { period } from "./invoice.js";

const PREVIEW = `query Preview($input: SubscriptionChangeInput!) {
  previewSubscriptionChange(input: $input) {
    effectiveDate amountDueNow ${MONEY} newMonthlyRecurringRevenue ${MONEY} monthlyRecurringRevenueBefore ${MONEY}
    contractValueBefore ${MONEY} contractValueChange ${MONEY} contractValueAfter ${MONEY} summary
    lines { description periodStart periodEnd quantity explanation amount ${MONEY} }
    userErrors { field message code }
  }
}`;
const CHANGE = `mutation Change($input: SubscriptionChangeInput!) {
  changeSubscription(input: $input) {
    invoice { id number } creditNote { id number } amountDueNow ${MONEY}
    userErrors { field message code }
  }
}`;
const MAX_QUANTITY = 1_000_000;
const CATALOG = `query AddOns($currency: String!) {
  products(first: 100) { edges { node {
    id sku name kind
    prices(currency: $currency) { id billingPeriod model unitAmount currency }
    upgradesTo { id sku name prices(currency: $currency) { id billingPeriod currency } }
  } } }
}`;

/** The change card of subscription `s`; `reload` shows the subscription again after it. */
export function changePanel(s, { staff, reload }) {
  const problem = alertBox();
  const previewBox = h("div", { class: "stack", "aria-live": "polite" });
  const confirm = h("button", { class: "button button--primary", type: "button", disabled: true }, "Confirm change");
  const effective = h("input", { type: "date", value: todayISO(), min: staff ? null : todayISO(), max: lastDay(s.currentTermEnd) });
  const rows = s.items.map((item) => ({
    item,
    quantity: h("input", { type: "number", min: 0, max: 1000000, step: 1, value: item.quantity, inputmode: "numeric", "aria-label": `New quantity of ${item.product.name}` }),
    moveTo: select([["", "Keep this price"]], "", { "aria-label": `Move ${item.product.name} to` }),
  }));
  const addPrice = select([["", "Choose a product to add"]], "", { "aria-label": "Product to add" });
  const addQuantity = h("input", { type: "number", min: 1, max: 1000000, step: 1, value: 1, inputmode: "numeric", "aria-label": "Quantity to add" });
  let current = null; // the input of the preview on screen
  let sequence = 0;

  loadChoices(s, rows, addPrice).catch(() => {
    // Without the catalog only quantities change; the preview still works.
  });

  function input() {
    const changes = [];
    for (const row of rows) {
      const quantity = Number(row.quantity.value);
      if (row.moveTo.value) changes.push({ itemId: row.item.id, priceId: row.moveTo.value, quantity });
      else if (row.quantity.value !== "" && quantity !== row.item.quantity) changes.push({ itemId: row.item.id, quantity });
    }
    if (addPrice.value) changes.push({ priceId: addPrice.value, quantity: Number(addQuantity.value) });
    return changes.length ? { subscriptionId: s.id, effectiveDate: effective.value || null, changes } : null;
  }

  /** What is wrong with a quantity on screen, in words, marking its field; null when nothing. */
  function wrongQuantity() {
    const checks = [
      ...rows.map((row) => [row.quantity, 0, `the new quantity of ${row.item.product.name}`]),
      ...(addPrice.value ? [[addQuantity, 1, "the quantity to add"]] : []),
    ];
    let message = null;
    for (const control of [addQuantity, ...rows.map((row) => row.quantity)]) control.removeAttribute("aria-invalid");
    for (const [control, least, what] of checks) {
      const value = control.value.trim();
      const fine = !control.validity.badInput && ((value === "" && least === 0) || (/^\d+$/.test(value) && Number(value) >= least && Number(value) <= MAX_QUANTITY));
      if (fine) continue;
      control.setAttribute("aria-invalid", "true");
      message ??= `Enter ${what} as a whole number from ${least} to ${MAX_QUANTITY.toLocaleString()}.`;
    }
    return message;
  }

  const refresh = debounce(async () => {
    const mine = ++sequence;
    confirm.disabled = true;
    const wrong = wrongQuantity();
    problem.show(wrong);
    if (wrong) {
      current = null;
      previewBox.replaceChildren();
      return;
    }
    current = input();
    if (!current) {
      previewBox.replaceChildren(h("p", { class: "muted" }, "Change a quantity, add a product or move an item to another price to see exactly what it costs."));
      return;
    }
    previewBox.replaceChildren(h("p", { class: "muted" }, "Working out the change…"));
    try {
      const { previewSubscriptionChange: preview } = await graphql(PREVIEW, { input: current });
      if (mine !== sequence) return;
      if (preview.userErrors.length) {
        previewBox.replaceChildren();
        problem.show(preview.userErrors.map((e) => e.message).join(" "));
        return;
      }
      previewBox.replaceChildren(previewView(s, preview, current));
      confirm.disabled = false;
    } catch (error) {
      if (mine === sequence) problem.show(error.message);
    }
  }, 300);

  for (const control of [effective, addPrice, addQuantity, ...rows.flatMap((r) => [r.quantity, r.moveTo])]) {
    control.addEventListener("input", refresh);
    control.addEventListener("change", refresh);
  }

  confirm.addEventListener("click", async () => {
    if (!current) return;
    confirm.disabled = true;
    try {
      const done = await mutate(CHANGE, { input: current }, "changeSubscription");
      const amount = formatMoney(Math.abs(Number(done.amountDueNow.amount)).toFixed(2), done.amountDueNow.currency);
      const later = current.effectiveDate && current.effectiveDate > todayISO();
      toast(
        later
          ? `Scheduled for ${formatDate(current.effectiveDate)}: nothing is billed until then.`
          : done.invoice
            ? `Changed. ${done.invoice.number} bills ${amount} now.`
            : done.creditNote
              ? `Changed. ${done.creditNote.number} credits ${amount}.`
              : "Changed. Nothing is due now.",
      );
      await reload();
    } catch (error) {
      problem.show(error instanceof ApiError ? error.message : String(error));
      confirm.disabled = false;
    }
  });
  refresh();

  return h(
    "section",
    { class: "card", "aria-labelledby": "change-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "change-title" }, "Change this subscription")),
    table(
      [
        { label: "Item", cell: (r) => [h("div", { class: "line-name" }, r.item.product.name), h("div", { class: "line-meta" }, `${PERIOD_LABEL[r.item.price?.billingPeriod] ?? ""} · now ${r.item.quantity.toLocaleString()}`)] },
        { label: "New quantity", cell: (r) => r.quantity },
        { label: "Price", cell: (r) => r.moveTo },
      ],
      rows,
      { caption: `Items of ${s.number} to change`, stack: true },
    ),
    h(
      "div",
      { class: "card__body stack" },
      h("div", { class: "form-row" }, field("Add a product", addPrice, "Co-terminated: it ends with this term."), field("Quantity", addQuantity)),
      field("Effective", effective, staff ? "Back to the start of the current billing period at the earliest, to the end of the term." : "Today or later, until the end of the term."),
      problem,
      previewBox,
      h("div", { class: "actions" }, confirm),
    ),
  );
}

/** The add-on choices (recurring and one-time prices in the subscription's currency that it
 * does not have) and, per item, the other prices of its product and of its upgrades. */
async function loadChoices(s, rows, addPrice) {
  const { products } = await graphql(CATALOG, { currency: s.currency });
  const all = products.edges.map((e) => e.node);
  const have = new Set(s.items.map((i) => i.price?.id));
  const label = (product, price) => `${product.name} · ${PERIOD_LABEL[price.billingPeriod]}`;
  const options = all.flatMap((p) => p.prices.filter((price) => !have.has(price.id)).map((price) => [price.id, label(p, price)]));
  addPrice.replaceChildren(...[["", "Choose a product to add"], ...options].map(([value, text]) => h("option", { value }, text)));
  for (const row of rows) {
    const product = all.find((p) => p.sku === row.item.product.sku);
    if (!product) continue;
    const targets = [
      ...product.prices.filter((p) => p.id !== row.item.price?.id && p.billingPeriod !== "ONE_TIME").map((price) => [price.id, `${PERIOD_LABEL[price.billingPeriod]} instead`]),
      ...product.upgradesTo.flatMap((up) => up.prices.filter((p) => p.billingPeriod !== "ONE_TIME").map((price) => [price.id, `Upgrade: ${label(up, price)}`])),
    ].filter(([id]) => !have.has(id));
    row.moveTo.replaceChildren(...[["", "Keep this price"], ...targets].map(([value, text]) => h("option", { value }, text)));
  }
}

/** The preview: what is billed or credited now, line by line, what is lost, and the new
 * monthly total. */
function previewView(s, p, input) {
  const due = Number(p.amountDueNow.amount);
  const amount = formatMoney(Math.abs(due).toFixed(2), p.amountDueNow.currency);
  const losing = input.changes.filter((c) => c.itemId && !c.priceId && c.quantity < (s.items.find((i) => i.id === c.itemId)?.quantity ?? 0));
  const lost = losing.map((c) => {
    const item = s.items.find((i) => i.id === c.itemId);
    return c.quantity === 0 ? `${item.product.name} ends on ${formatDate(p.effectiveDate)}.` : `${item.quantity - c.quantity} of ${item.quantity} ${item.product.name} end on ${formatDate(p.effectiveDate)}.`;
  });
  return h(
    "div",
    { class: "stack preview" },
    h("h3", {}, p.summary),
    lost.length ? h("div", { class: "notice notice--warn" }, h("strong", {}, "You lose: "), lost.join(" ")) : null,
    p.lines.length
      ? table(
          [
            { label: "Line", cell: (l) => [h("div", { class: "line-name" }, l.description), h("p", { class: "line-explanation" }, l.explanation)] },
            { label: "Period", cell: period },
            { label: due < 0 ? "Credited" : "Amount", numeric: true, cell: (l) => money(l.amount.amount, l.amount.currency) },
          ],
          p.lines,
          { caption: "What the change bills now", stack: true },
        )
      : null,
    totals([
      ["Monthly total", `${formatMoney(p.monthlyRecurringRevenueBefore.amount, s.currency)} → ${formatMoney(p.newMonthlyRecurringRevenue.amount, s.currency)}`],
      ["Contract value of the term", contractValue(p, s.currency)],
      [due > 0 ? "Due now (tax included)" : due < 0 ? "Credited now (tax included)" : "Due now", amount],
    ]),
    h(
      "p",
      { class: "muted" },
      p.effectiveDate === s.currentTermEnd
        ? `Decreases take effect at the renewal on ${formatDate(p.effectiveDate)}: you keep everything you committed to, and are billed for it, until the term ends on ${formatDate(lastDay(s.currentTermEnd))}; the new term starts with the change. You can call it off until then.`
        : p.effectiveDate > todayISO()
        ? `Scheduled for ${formatDate(p.effectiveDate)}: nothing is billed now and your items stay as they are until then. From that day each period bills the new amounts, the first prorated. You can call it off until then.`
        : due > 0
        ? `An invoice of ${amount} is issued now; from the next period on, each period bills the new amounts until the term ends on ${formatDate(lastDay(s.currentTermEnd))}.`
        : due < 0
          ? `A credit note of ${amount} is issued now and pays your open invoices first; what is left is account credit for the next ones.`
          : "Nothing is billed now.",
    ),
  );
}

/** The term's contract value before → after a change, and the change itself: the change's own
 * schedule, the prorated part now and every later period, exactly as it will be billed. */
export function contractValue(p, currency) {
  const amount = p.contractValueChange.amount;
  const credit = amount.startsWith("-");
  const signed = `${credit ? "−" : "+"}${formatMoney(credit ? amount.slice(1) : amount, currency)}`;
  return `${formatMoney(p.contractValueBefore.amount, currency)} → ${formatMoney(p.contractValueAfter.amount, currency)} (${Number(amount) ? signed : "no change"})`;
}

/** The last day of a term whose end is exclusive. */
export function lastDay(end) {
  return new Date(Date.parse(end) - 86_400_000).toISOString().slice(0, 10);
}

