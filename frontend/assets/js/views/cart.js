// The customer's cart: quantities, term and start date, totals priced by the server; then
// checkout (order, subscription and first invoice at once) or a request for a quote. A
// customer with a live subscription in the cart's currency may add the cart to it instead:
// co-terminated and prorated, with the exact amount due now previewed by the server.
import { MONEY, graphql, mutate } from "../api.js";
import { cart as cartCount } from "../cart.js";
import { alertBox, emptyState, errorState, field, formatDate, formatMoney, h, loading, money, pageHead, path, select, table, todayISO, toast, totals } from "../ui.js";
import { PER_PERIOD, lineProduct } from "./pricing.js";

const CART = `id version termMonths startDate currency
  lines { id quantity product { name sku } price { id billingPeriod } netAmount ${MONEY} totalAmount ${MONEY} }
  oneTimeTotal ${MONEY} monthlyRecurringTotal ${MONEY} totalContractValue ${MONEY} estimatedUsageTotal ${MONEY}`;
const LOAD = `{ cart { ${CART} }
  subscriptions(first: 20, status: ACTIVE) { edges { node { id number currency termEndsOn items { id quantity price { id } } } } } }`;
const PREVIEW = `query($input: SubscriptionChangeInput!) { previewSubscriptionChange(input: $input) {
  amountDueNow ${MONEY} newMonthlyRecurringRevenue ${MONEY} userErrors { field message code } } }`;
const change = (name, input) => `mutation(${input}) { ${name}(input: { lineId: $lineId${input.includes("quantity") ? ", quantity: $quantity" : ""} }) {
  cart { ${CART} } userErrors { field message code } } }`;
const UPDATE = change("updateCartLine", "$lineId: ID!, $quantity: Int!");
const REMOVE = change("removeCartLine", "$lineId: ID!");
const CHECKOUT = `mutation($quoteId: ID!, $startDate: Date, $termMonths: Int, $into: ID, $po: String) {
  checkout(input: { quoteId: $quoteId, startDate: $startDate, termMonths: $termMonths, addToSubscriptionId: $into, purchaseOrderNumber: $po }) { order { id } userErrors { field message code } }
}`;
const TERMS = `mutation($quoteId: ID!, $expectedVersion: Int, $termMonths: Int, $startDate: Date) {
  updateQuote(input: { quoteId: $quoteId, expectedVersion: $expectedVersion, termMonths: $termMonths, startDate: $startDate }) {
    quote { ${CART} } userErrors { field message code } } }`;
const REQUEST = `mutation($note: String!) { requestQuote(input: { note: $note }) { quote { id number } userErrors { field message code } } }`;
const MAX = 1_000_000;

export function render({ session, navigate }) {
  document.title = "Cart · Recur";
  const account = session.viewer.account;
  const root = h("div", {}, loading("Loading your cart", 2));
  async function load() {
    try {
      const { cart, subscriptions } = await graphql(LOAD);
      cartCount.set(cart ? cart.lines.length : 0);
      const live = cart ? subscriptions.edges.map((e) => e.node).filter((s) => s.currency === cart.currency) : [];
      root.replaceChildren(cart?.lines.length ? page(cart, account, navigate, live) : empty(account));
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h("section", { "aria-labelledby": "page-title" }, root);
}

const head = (account) => pageHead("Your cart", `Prices in ${account.currency} for ${account.name}, before tax.`);

function empty(account) {
  return h(
    "div",
    {},
    head(account),
    h("div", { class: "card" }, emptyState("Your cart is empty", "Add subscriptions and services from the catalog, then buy them here or ask sales for a quote.", h("a", { class: "button button--primary", href: "/products" }, "Browse the catalog"))),
  );
}

function page(initial, account, navigate, live) {
  let cart = initial;
  // Where the cart goes: into a live subscription (the default when there is one) or a new one.
  let into = live[0]?.id ?? null;
  let previewed = 0; // the latest preview asked for; older answers are dropped
  const rows = new Map(); // line id -> { net, total, problem }
  const waiting = new Map(); // line id -> [timer, send now]
  const sending = new Set();
  const invalid = new Map(); // line id -> why its quantity on screen cannot be saved
  let busy = false;
  let blockedBox = null; // the message that stopped a checkout, cleared once all is fixed

  const linesCard = h("div", { class: "card" });
  const term = select([...new Set([12, 24, 36, cart.termMonths])].sort((a, b) => a - b).map((t) => [String(t), `${t} months`]), String(cart.termMonths));
  const start = h("input", { type: "date", value: cart.startDate, min: todayISO() });
  const startField = field("Start date", start);
  const summary = h("div", { "aria-live": "polite" });
  const newTerms = h("div", { class: "stack" });
  const choice = live.length ? destination() : null;
  const problem = alertBox();
  const po = h("input", { type: "text", maxlength: 100, autocomplete: "off", name: "purchaseOrderNumber" });
  const poField = field("PO number (optional)", po, "Your purchase order number: printed on the order and its invoices.");
  const checkoutButton = h("button", { class: "button button--primary button--block", type: "button", onclick: checkout }, "Check out");
  const note = h("textarea", { rows: 3, maxlength: 2000, placeholder: "More seats next year, other payment terms…" });
  const quoteProblem = alertBox();
  const quoteButton = h("button", { class: "button button--block", type: "button", onclick: requestQuote }, "Ask sales for a quote");

  // Every amount comes from the server, priced over the cart's own term.
  const lineTotal = (line) => line.totalAmount.amount;
  const perPeriod = (line) => [money(line.netAmount.amount, cart.currency), " ", h("span", { class: "muted" }, PER_PERIOD[line.price.billingPeriod])];

  function renderLines() {
    rows.clear();
    invalid.clear();
    for (const line of cart.lines) rows.set(line.id, { problem: h("p", { class: "alert alert--error line-alert", role: "alert", hidden: true }) });
    const row = (line) => rows.get(line.id);
    linesCard.replaceChildren(
      table(
        [
          { label: "Product", cell: (line) => [lineProduct(line.product, line.price.billingPeriod), row(line).problem] },
          { label: "Quantity", cell: quantityInput },
          { label: "Net per period", numeric: true, cell: (line) => (row(line).net = h("span", {}, perPeriod(line))) },
          { label: "Over the term", numeric: true, cell: (line) => (row(line).total = money(lineTotal(line), cart.currency)) },
          {
            label: "Remove",
            hideLabel: true,
            cell: (line) => h("button", { class: "button button--quiet button--small", type: "button", "aria-label": `Remove ${line.product.name}`, onclick: () => remove(line) }, "Remove"),
          },
        ],
        cart.lines,
        { caption: "Lines in your cart", stack: true },
      ),
    );
  }

  function quantityInput(line) {
    const input = h("input", { class: "input--qty", type: "number", inputmode: "numeric", min: 1, max: MAX, step: 1, value: line.quantity, "aria-label": `Quantity of ${line.product.name}` });
    rows.get(line.id).input = input;
    const send = () => {
      clearTimeout(waiting.get(line.id)?.[0]);
      waiting.delete(line.id);
      setQuantity(line, input.value.trim());
    };
    input.addEventListener("input", () => {
      clearTimeout(waiting.get(line.id)?.[0]);
      waiting.delete(line.id);
      // Checked as typed, saved after a pause: a "0" on the way to "05" is only a message.
      if (checkQuantity(line, input.value.trim())) waiting.set(line.id, [setTimeout(send, 400), send]);
    });
    input.addEventListener("change", () => waiting.has(line.id) && send());
    return input;
  }

  /** Say under the line what is wrong with the quantity typed, or clear it; true when valid. */
  function checkQuantity(line, value) {
    const valid = /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX;
    showLineProblem(line, valid ? null : `Enter a whole number from 1 to ${MAX.toLocaleString()}. To take ${line.product.name} out, use Remove.`);
    return valid;
  }

  function showLineProblem(line, message) {
    const row = rows.get(line.id);
    if (!row) return;
    row.problem.textContent = message || "";
    row.problem.hidden = !message;
    if (message) {
      invalid.set(line.id, message);
      row.input?.setAttribute("aria-invalid", "true");
    } else {
      invalid.delete(line.id);
      row.input?.removeAttribute("aria-invalid");
      if (!invalid.size) blockedBox?.show(null);
    }
  }

  function track(promise) {
    sending.add(promise);
    promise.finally(() => sending.delete(promise));
    return promise;
  }

  function setQuantity(line, value) {
    if (!rows.has(line.id) || !checkQuantity(line, value)) return;
    track(
      mutate(UPDATE, { lineId: line.id, quantity: Number(value) }, "updateCartLine")
        .then((payload) => show(payload.cart))
        .catch((error) => showLineProblem(line, error.fieldMessage("quantity") ?? error.message)),
    );
  }

  /** The first line whose quantity on screen is not what the cart holds, with why. */
  function firstInvalid() {
    const [lineId, message] = invalid.entries().next().value ?? [];
    const line = lineId && cart.lines.find((l) => l.id === lineId);
    return line ? { line, message } : null;
  }

  /** Refuse to go on, saying why in `box`, while a quantity or the start date on screen cannot
   * be saved: what is shown is what is bought. */
  function blockedBy(box) {
    blockedBox = box;
    if (!checkStart()) {
      box.show("Choose a start date, today or later, first.");
      start.focus();
      return true;
    }
    const found = firstInvalid();
    if (!found) return false;
    box.show(`Fix the quantity of ${found.line.product.name} first. ${found.message}`);
    rows.get(found.line.id)?.input?.focus();
    return true;
  }

  async function remove(line) {
    try {
      show((await track(mutate(REMOVE, { lineId: line.id }, "removeCartLine"))).cart);
      toast(`${line.product.name} removed from your cart.`);
      document.getElementById("page-title")?.focus();
    } catch (error) {
      problem.show(error.message);
    }
  }

  /** Show the cart the server answered with, leaving the inputs as they are. */
  function show(next) {
    cartCount.set(next?.lines.length ?? 0);
    if (!next?.lines.length) return linesCard.closest(".cart")?.replaceWith(empty(account));
    const same = next.lines.length === rows.size && next.lines.every((l) => rows.has(l.id));
    cart = next;
    if (!same) renderLines();
    else {
      for (const line of cart.lines) {
        rows.get(line.id).net.replaceChildren(...perPeriod(line));
        rows.get(line.id).total.textContent = formatMoney(lineTotal(line), cart.currency);
      }
    }
    renderSummary();
  }

  /** The subscription the cart goes into, if any: only a cart with something recurring joins one. */
  function joining() {
    const recurring = cart.lines.some((line) => line.price.billingPeriod !== "ONE_TIME");
    if (choice) choice.hidden = !recurring;
    return recurring ? into : null;
  }

  function renderSummary() {
    const c = cart.currency;
    const target = joining();
    newTerms.hidden = Boolean(target);
    if (target) return renderJoin(target);
    summary.replaceChildren(
      totals([
        ["One-time", money(cart.oneTimeTotal.amount, c)],
        ["Monthly recurring", money(cart.monthlyRecurringTotal.amount, c)],
        ["Total contract value", money(cart.totalContractValue.amount, c), `over ${cart.termMonths} months`],
        Number(cart.estimatedUsageTotal.amount) ? ["Estimated usage", money(cart.estimatedUsageTotal.amount, c), "billed as used, not committed"] : null,
      ]),
    );
  }

  /** The choice between adding to a live subscription and starting a new one. */
  function destination() {
    const option = (value, label, hint) => {
      const input = h("input", { type: "radio", name: "destination", value: value ?? "", checked: value === into });
      input.addEventListener("change", () => {
        into = value;
        renderSummary();
      });
      return h("label", { class: "choice" }, input, h("span", {}, h("strong", {}, label), h("span", { class: "muted" }, hint)));
    };
    return h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, "How to buy"),
      ...live.map((s) => option(s.id, `Add to ${s.number}`, `Ends with its term on ${formatDate(s.termEndsOn)}; this period is prorated.`)),
      option(null, "Start a new subscription", "With its own term and start date."),
    );
  }

  /** Adding to a live subscription: what it costs now and after, exactly as it will bill. */
  async function renderJoin(id) {
    const target = live.find((s) => s.id === id);
    const byPrice = new Map(target.items.map((item) => [item.price.id, item]));
    const changes = cart.lines.map((line) => {
      const item = byPrice.get(line.price.id);
      return item ? { itemId: item.id, quantity: item.quantity + line.quantity } : { priceId: line.price.id, quantity: line.quantity };
    });
    const asked = ++previewed;
    summary.replaceChildren(loading("Working out what is due now", 2));
    try {
      const { previewSubscriptionChange: p } = await graphql(PREVIEW, { input: { subscriptionId: target.id, changes } });
      if (asked !== previewed) return;
      if (p.userErrors.length) return summary.replaceChildren(h("p", { class: "notice" }, p.userErrors.map((e) => e.message).join(" ")));
      summary.replaceChildren(
        totals([
          ["Due now, tax included", money(p.amountDueNow.amount, p.amountDueNow.currency)],
          [`Monthly total of ${target.number} after`, money(p.newMonthlyRecurringRevenue.amount, p.newMonthlyRecurringRevenue.currency)],
        ]),
      );
    } catch (error) {
      if (asked === previewed) summary.replaceChildren(h("p", { class: "notice" }, error.message));
    }
  }

  /** Send the quantity changes still waiting for a pause in typing, and wait for them all. */
  async function settle() {
    for (const [, send] of [...waiting.values()]) send();
    while (sending.size) await Promise.allSettled([...sending]);
  }

  function working(on) {
    busy = on;
    checkoutButton.disabled = on;
    quoteButton.disabled = on;
  }

  async function checkout() {
    if (busy) return;
    working(true);
    checkoutButton.textContent = "Checking out…";
    problem.show(null);
    try {
      await settle();
      if (blockedBy(problem)) return stopWorking();
      const target = joining();
      const vars = target ? { quoteId: cart.id, into: target } : { quoteId: cart.id, startDate: cart.startDate, termMonths: cart.termMonths };
      vars.po = po.value.trim() || null;
      const { order } = await mutate(CHECKOUT, vars, "checkout");
      cartCount.set(0);
      navigate(path("/orders", order.id));
    } catch (error) {
      problem.show(error.message);
      stopWorking();
    }
  }

  function stopWorking() {
    working(false);
    checkoutButton.textContent = "Check out";
  }

  async function requestQuote() {
    if (busy) return;
    working(true);
    quoteProblem.show(null);
    try {
      await settle();
      if (blockedBy(quoteProblem)) return working(false);
      const { quote } = await mutate(REQUEST, { note: note.value.trim() }, "requestQuote");
      cartCount.set(0);
      toast(`Your cart is with sales as quote ${quote.number}.`);
      navigate(path("/quotes", quote.id));
    } catch (error) {
      quoteProblem.show(error.message);
      working(false);
    }
  }

  /** Save a new term or start date; the server prices the cart again. */
  async function setTerms(changes) {
    problem.show(null);
    try {
      await settle();
      const vars = { quoteId: cart.id, expectedVersion: cart.version, ...changes };
      show((await track(mutate(TERMS, vars, "updateQuote"))).quote);
    } catch (error) {
      problem.show(error.message);
      term.value = String(cart.termMonths);
      start.value = cart.startDate;
    }
  }

  /** The start date on screen is one the cart can have (a date, today or later). */
  function checkStart() {
    const valid = Boolean(start.value) && start.value >= todayISO();
    startField.showError(valid ? null : "Choose a start date, today or later.");
    if (valid && !invalid.size) blockedBox?.show(null);
    return valid;
  }

  newTerms.append(field("Term", term, "Yearly prices bill once a year, so terms are whole years."), startField);
  term.addEventListener("change", () => setTerms({ termMonths: Number(term.value) }));
  start.addEventListener("change", () => checkStart() && start.value !== cart.startDate && setTerms({ startDate: start.value }));
  renderLines();
  renderSummary();

  return h(
    "div",
    { class: "cart" },
    head(account),
    h(
      "div",
      { class: "split" },
      linesCard,
      h(
        "aside",
        { class: "card split__aside", "aria-labelledby": "summary-title" },
        h(
          "div",
          { class: "card__body stack" },
          h("h2", { id: "summary-title" }, "Summary"),
          choice,
          newTerms,
          summary,
          poField,
          problem,
          checkoutButton,
          h("p", { class: "calculator__note" }, "The invoice for what is due now, plus tax, is issued at once."),
        ),
        h(
          "div",
          { class: "card__body stack card__section" },
          h("h3", {}, "Need a discount or other terms?"),
          field("Note for sales (optional)", note),
          quoteProblem,
          quoteButton,
        ),
      ),
    ),
  );
}
