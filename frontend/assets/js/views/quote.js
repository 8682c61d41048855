// One quote. Customers read it, and accept or decline it once sent; sales edit it while it is
// editable, submit it for approval and send it; managers approve or reject it. Every edit
// carries the version on screen, so a change someone else made first is refused, said and
// reloaded instead of overwritten.
import { MONEY, graphql, mutate } from "../api.js";
import {
  alertBox, badge, confirmDialog, detailList, emptyState, errorState, field, formDialog, formatDate, formatDateTime,
  formatMoney, formatPercent, h, loading, money, path, select, statusBadge, statusLabel, table, todayISO, toast, totals,
} from "../ui.js";
import { period } from "./invoice.js";
import { PERIOD_LABEL, PER_PERIOD, lineProduct, priceSummary } from "./pricing.js";
import { contractValue, lastDay } from "./subscription-change.js";

const FIELDS = `id number kind status version isCart startDate termMonths upliftPercent expiresOn note preparedFromOffer currency createdByPartner account { name }
  subscription { id number currentTermEnd }
  lines { id quantity discountPercent product { name sku } price { billingPeriod } listAmount ${MONEY} netAmount ${MONEY} totalAmount ${MONEY}
    subscriptionItem { id quantity discountPercent } }
  changePreview { effectiveDate amountDueNow ${MONEY} monthlyRecurringRevenueBefore ${MONEY} newMonthlyRecurringRevenue ${MONEY}
    contractValueBefore ${MONEY} contractValueChange ${MONEY} contractValueAfter ${MONEY} summary
    lines { description periodStart periodEnd quantity explanation amount ${MONEY} } userErrors { message code } }
  oneTimeTotal ${MONEY} monthlyRecurringTotal ${MONEY} totalContractValue ${MONEY} estimatedUsageTotal ${MONEY} approvalRequired order { id number }
  history { action toStatus comment at actorName }
  purchaseOrderNumber pdfUrl acceptance { signerName signerTitle acceptedAt version }`;
const QUOTE = `query Quote($id: ID!) { quote(id: $id) { ${FIELDS} } approvalThresholdPercent }`;
const PRODUCTS = `query($currency: String) { products(first: 100) { edges { node {
  id name prices(currency: $currency) { id currency billingPeriod model unitAmount tiers { upTo unitAmount } } } } } }`;
/** A mutation taking `input` built from its variables, e.g. op("sendQuote", "$quoteId: ID!"). */
const op = (name, variables, result = `quote { ${FIELDS} }`) =>
  `mutation(${variables}) { ${name}(input: { ${variables.replace(/\$(\w+): [\w!]+/g, "$1: $$$1")} }) { ${result} userErrors { field message code } } }`;
const ADD_LINE = op("addQuoteLine", "$quoteId: ID!, $priceId: ID!, $quantity: Int!, $discountPercent: Decimal!, $expectedVersion: Int");
const UPDATE_LINE = op("updateQuoteLine", "$lineId: ID!, $quantity: Int, $discountPercent: Decimal, $expectedVersion: Int!");
const REMOVE_LINE = op("removeQuoteLine", "$lineId: ID!, $expectedVersion: Int!");
const SUBMIT = op("submitQuoteForApproval", "$quoteId: ID!");
const APPROVE = op("approveQuote", "$quoteId: ID!");
const REJECT = op("rejectQuote", "$quoteId: ID!, $reason: String!");
const SEND = op("sendQuote", "$quoteId: ID!");
const DECLINE = op("declineQuote", "$quoteId: ID!, $reason: String!");
const ACCEPT = op("acceptQuote", "$quoteId: ID!, $signerName: String!, $signerTitle: String!, $purchaseOrderNumber: String", "order { id }");
const RECALL = op("recallQuote", "$quoteId: ID!, $reason: String!");
const DELETE = op("deleteQuote", "$quoteId: ID!, $expectedVersion: Int", "deletedQuoteId");
const UPDATE_TERMS = op("updateQuote", "$quoteId: ID!, $startDate: Date, $termMonths: Int, $upliftPercent: Decimal, $expectedVersion: Int");
const UPDATE_PO = op("updateQuote", "$quoteId: ID!, $purchaseOrderNumber: String, $expectedVersion: Int");

const EDITABLE = ["DRAFT", "IN_REVIEW", "APPROVED"];
const SALES = ["REP", "MANAGER", "ADMIN"];
const APPROVERS = ["MANAGER", "ADMIN"];
const WHOLE = /^\d+$/;
const MAX_QUANTITY = 1_000_000;
const MAX_TERM_MONTHS = 120;
const DID = {
  CREATE: "created the quote", EDIT: "changed the lines", REQUEST: "asked sales for a quote",
  SUBMIT: "submitted it for approval", APPROVE: "approved it", REJECT: "sent it back to draft",
  SEND: "sent it to the customer", ACCEPT: "accepted it", DECLINE: "declined it", CHECKOUT: "checked out",
  EXPIRE: "marked it expired", RECALL: "recalled it to draft",
};

const ACCEPTING = {
  NEW: "Accepting orders everything on it and issues the first invoice.",
  AMENDMENT: "Accepting changes your subscription as shown below, with the amount billed or credited at once.",
  RENEWAL: "Accepting agrees the next term: it starts when the current one ends.",
};
const ACCEPTED = {
  NEW: "Accepted: the order, its subscription and first invoice are made.",
  AMENDMENT: "Accepted: the subscription is changed, and what fell due was invoiced or credited at once.",
  RENEWAL: "Accepted: the next term is agreed and replaces the automatic renewal.",
};

export function render({ params, session, navigate }) {
  document.title = "Quote · Recur";
  const role = session.viewer.role;
  const staff = SALES.includes(role);
  const root = h("div", {}, loading("Loading the quote", 3));
  let quote = null;
  let products = null;
  let queue = Promise.resolve();
  let acting = false;
  const rows = new Map(); // line id -> { period, total }
  const pending = new Map(); // timer -> the save it will run
  const invalid = new Map(); // line input -> why its value cannot be saved
  let mode = null;

  // Parts kept across re-renders, so a message outlives the reload it announces.
  const editProblem = alertBox();
  const actionProblem = alertBox();
  const headEl = h("div");
  const linesEl = h("div");
  const totalsEl = h("div", { "aria-live": "polite" });
  const previewEl = h("div", { "aria-live": "polite" });
  const asideEl = h("div", { class: "card__body stack" });
  const addEl = h("div");
  const historyEl = h("div", { class: "stack-lg" });
  let threshold = "20";
  let thresholdValue = 20;

  async function load() {
    try {
      const data = await graphql(QUOTE, { id: params.id });
      thresholdValue = Number(data.approvalThresholdPercent);
      threshold = thresholdValue.toLocaleString();
      if (!data.quote) return root.replaceChildren(missing());
      show(data.quote, true);
      root.replaceChildren(layout());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }

  const editable = () => staff && !quote.isCart && EDITABLE.includes(quote.status);

  function show(next, rebuild = false) {
    quote = next;
    document.title = `${quote.number} · Recur`;
    const nextMode = editable() ? "edit" : "read";
    const same = quote.lines.length === rows.size && quote.lines.every((l) => rows.has(l.id));
    if (rebuild || nextMode !== mode || !same) renderLines(nextMode);
    else for (const line of quote.lines) updateLine(line);
    renderHead();
    renderTotals();
    renderPreview();
    renderAside();
    renderAdd();
    renderHistory();
  }

  function layout() {
    return h(
      "article",
      { "aria-labelledby": "page-title" },
      h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/quotes" }, "Quotes"), " / ", quote.number),
      headEl,
      h(
        "div",
        { class: "split" },
        h(
          "div",
          { class: "stack-lg" },
          h(
            "section",
            { class: "card", "aria-labelledby": "lines-title" },
            h("div", { class: "card__body card__body--head" }, h("h2", { id: "lines-title", tabindex: "-1" }, "Lines"), editProblem),
            linesEl,
            h("div", { class: "card__body card__section" }, totalsEl),
          ),
          previewEl,
          addEl,
          historyEl,
        ),
        h("aside", { class: "card split__aside split__aside--first", "aria-label": "Status and actions" }, asideEl),
      ),
    );
  }

  /** An amendment that takes more than the threshold off the contract (what needs approval). */
  function deepReduction() {
    const change = quote.changePreview?.contractValueChange;
    const before = quote.changePreview?.contractValueBefore;
    return Boolean(change && before) && -Number(change.amount) * 100 > Number(before.amount) * thresholdValue;
  }

  function renderHead() {
    const approval = staff && quote.approvalRequired && !["ACCEPTED", "DECLINED", "EXPIRED"].includes(quote.status);
    const approved = ["APPROVED", "SENT"].includes(quote.status);
    headEl.replaceChildren(
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("h1", { id: "page-title", tabindex: "-1" }, `Quote ${quote.number}`),
          h("p", {}, ...subtitle()),
          h(
            "div",
            { class: "badges head-badges" },
            statusBadge(quote.status),
            quote.kind !== "NEW" && badge(quote.kind === "AMENDMENT" ? "Amendment" : "Renewal", "info"),
            approval && badge(approved ? "Discount approved" : "Approval needed", approved ? "ok" : "warn"),
            quote.createdByPartner && badge(`From ${quote.createdByPartner} (partner)`, "info"),
          ),
        ),
      ),
    );
  }

  /** Who and what the quote is for; an amendment or a renewal names its subscription. */
  function subtitle() {
    const sub = quote.subscription;
    const link = sub && h("a", { href: path("/subscriptions", sub.id) }, sub.number);
    const account = quote.account?.name;
    if (quote.kind === "AMENDMENT" && sub) {
      return [`${account} · changes `, link, ` from ${formatDate(quote.startDate)} to the end of its term · ${quote.currency}`];
    }
    if (quote.kind === "RENEWAL" && sub) {
      const uplift = Number(quote.upliftPercent) ? ` · prices up ${formatPercent(quote.upliftPercent)}` : "";
      return [`${account} · renews `, link, ` for ${quote.termMonths} months from ${formatDate(quote.startDate)}${uplift} · ${quote.currency}`];
    }
    return [[account, `${quote.termMonths} months from ${formatDate(quote.startDate)}`, quote.currency].filter(Boolean).join(" · ")];
  }

  const amendment = () => quote.kind === "AMENDMENT";

  /** What an amendment's line does to its item: added, removed, or from how many. */
  function lineChange(line) {
    const item = line.subscriptionItem;
    if (!item) return badge("Added", "info");
    if (line.quantity === 0) return badge("Removed", "warn");
    const same = item.quantity === line.quantity && Number(item.discountPercent) === Number(line.discountPercent);
    return same ? h("span", { class: "muted" }, "Unchanged") : `${item.quantity.toLocaleString()} now`;
  }

  // ---- lines ---------------------------------------------------------------------------

  function perPeriod(line) {
    const discounted = Number(line.discountPercent) > 0;
    return [
      discounted && h("div", { class: "list-price" }, h("span", { class: "visually-hidden" }, "list "), formatMoney(line.listAmount.amount, quote.currency), h("span", { "aria-hidden": "true" }, " →")),
      h("div", {}, h("strong", {}, discounted && h("span", { class: "visually-hidden" }, "net "), formatMoney(line.netAmount.amount, quote.currency)), " ", h("span", { class: "muted" }, PER_PERIOD[line.price.billingPeriod])),
    ].filter(Boolean);
  }

  function renderLines(nextMode) {
    mode = nextMode;
    rows.clear();
    pending.forEach((_, timer) => clearTimeout(timer));
    pending.clear();
    invalid.clear();
    if (!quote.lines.length) {
      return linesEl.replaceChildren(emptyState("No lines yet", mode === "edit" ? "Add a product below: its price, the quantity and any discount." : "This quote has no products."));
    }
    for (const line of quote.lines) rows.set(line.id, {});
    const edit = mode === "edit";
    const columns = [
      { label: "Product", cell: (line) => lineProduct(line.product, line.price.billingPeriod) },
      amendment() && { label: "Subscribed", cell: lineChange },
      edit ? { label: "Quantity", cell: (line) => lineInput(line, "quantity") } : { label: "Quantity", numeric: true, cell: (line) => line.quantity.toLocaleString() },
      edit ? { label: "Discount", cell: (line) => lineInput(line, "discountPercent") } : { label: "Discount", numeric: true, cell: (line) => formatPercent(line.discountPercent) },
      { label: "Per period", numeric: true, cell: (line) => (rows.get(line.id).period = h("span", {}, perPeriod(line))) },
      // An amendment runs to the end of a term already under way: the whole term's amount says nothing.
      !amendment() && { label: "Over the term", numeric: true, cell: (line) => (rows.get(line.id).total = money(line.totalAmount.amount, quote.currency)) },
      edit && {
        label: "Remove",
        hideLabel: true,
        cell: (line) =>
          amendment() && line.subscriptionItem && line.quantity === 0
            ? ""
            : h("button", { class: "button button--quiet button--small", type: "button", "aria-label": `Remove ${line.product.name}`, onclick: () => removeLine(line) }, "Remove"),
      },
    ].filter(Boolean);
    linesEl.replaceChildren(h("div", { class: "quote-lines" }, table(columns, quote.lines, { caption: `Lines of ${quote.number}`, stack: true })));
  }

  function updateLine(line) {
    rows.get(line.id).period.replaceChildren(...perPeriod(line));
    if (rows.get(line.id).total) rows.get(line.id).total.textContent = formatMoney(line.totalAmount.amount, quote.currency);
  }

  function lineInput(line, key) {
    const quantity = key === "quantity";
    const input = h("input", {
      class: "input--qty",
      type: "text",
      inputmode: quantity ? "numeric" : "decimal",
      autocomplete: "off",
      value: quantity ? String(line.quantity) : formatPercent(line.discountPercent).replace(/ %|—/g, "") || "0",
      "aria-label": quantity ? `Quantity of ${line.product.name}` : `Discount on ${line.product.name} (%)`,
    });
    let timer = null;
    const save = () => {
      clearTimeout(timer);
      pending.delete(timer);
      const value = input.value.trim();
      if (!checkLineInput(input, line, quantity)) return;
      const now = quote.lines.find((l) => l.id === line.id);
      if (now && Number(quantity ? now.quantity : now.discountPercent) === Number(value)) return;
      edit(UPDATE_LINE, "updateQuoteLine", { lineId: line.id, [key]: quantity ? Number(value) : value });
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      pending.delete(timer);
      // Checked as typed (a fixed value clears its message), saved after a pause.
      if (checkLineInput(input, line, quantity)) pending.set((timer = setTimeout(save, 500)), save);
    });
    input.addEventListener("change", () => pending.has(timer) && save());
    return input;
  }

  /** Say what is wrong with a line's quantity or discount as typed, or clear it. */
  function checkLineInput(input, line, quantity) {
    const value = input.value.trim();
    // An amendment's subscribed item may go to 0 (it is removed); other lines keep one unit.
    const least = amendment() && line.subscriptionItem ? 0 : 1;
    const message = quantity
      ? WHOLE.test(value) && Number(value) >= least && Number(value) <= MAX_QUANTITY
        ? null
        : `Enter a whole number of units for ${line.product.name}, from ${least} to ${MAX_QUANTITY.toLocaleString()}${least ? "; to take it out, use Remove" : ""}.`
      : /^\d+(\.\d{1,2})?$/.test(value) && Number(value) <= 100
        ? null
        : `Enter a discount from 0 to 100 % for ${line.product.name}, like 12.5.`;
    if (message) {
      invalid.set(input, message);
      input.setAttribute("aria-invalid", "true");
    } else {
      invalid.delete(input);
      input.removeAttribute("aria-invalid");
    }
    editProblem.show(invalid.size ? [...invalid.values()][0] : null);
    return !message;
  }

  /** Queue an edit behind the ones before it; it carries the version then on screen. */
  function edit(mutation, key, variables, problem = editProblem) {
    queue = queue.then(async () => {
      problem.show(null);
      try {
        show((await mutate(mutation, { ...variables, expectedVersion: quote.version }, key)).quote);
        return true;
      } catch (error) {
        problem.show(error.message);
        if (error.code === "STALE_VERSION") await reload();
        return false;
      }
    });
    return queue;
  }

  async function reload() {
    try {
      const data = await graphql(QUOTE, { id: params.id });
      if (data.quote) show(data.quote, true);
    } catch {
      // The message on screen already asks for a reload; the next edit retries.
    }
  }

  async function removeLine(line) {
    if (await edit(REMOVE_LINE, "removeQuoteLine", { lineId: line.id })) {
      const ends = amendment() && line.subscriptionItem;
      toast(ends ? `${line.product.name} ends on ${formatDate(quote.startDate)} if the customer accepts.` : `${line.product.name} removed from ${quote.number}.`);
      document.getElementById("lines-title")?.focus();
    }
  }

  function renderTotals() {
    const c = quote.currency;
    if (amendment()) {
      return totalsEl.replaceChildren(
        totals([["Monthly recurring after the change", money(quote.monthlyRecurringTotal.amount, c)]]),
        h("p", { class: "muted" }, "Amounts per period are the items' new prices; what is billed now is prorated below."),
      );
    }
    totalsEl.replaceChildren(
      totals([
        ["One-time", money(quote.oneTimeTotal.amount, c)],
        ["Monthly recurring", money(quote.monthlyRecurringTotal.amount, c)],
        ["Total contract value", money(quote.totalContractValue.amount, c), `over ${quote.termMonths} months`],
        Number(quote.estimatedUsageTotal.amount) ? ["Estimated usage", money(quote.estimatedUsageTotal.amount, c), "billed as used, not committed"] : null,
      ]),
    );
  }

  /** An amendment's preview: exactly what accepting it today invoices or credits. */
  function renderPreview() {
    const p = quote.changePreview;
    if (!p) return previewEl.replaceChildren();
    const body = [];
    if (p.userErrors.length) {
      body.push(h("p", { class: "notice" }, p.userErrors.map((e) => e.message).join(" ")));
    } else {
      const due = Number(p.amountDueNow.amount);
      const amount = formatMoney(Math.abs(due).toFixed(2), p.amountDueNow.currency);
      body.push(
        h("p", {}, p.summary),
        p.lines.length
          ? table(
              [
                { label: "Line", cell: (l) => [h("div", { class: "line-name" }, l.description), h("p", { class: "line-explanation" }, l.explanation)] },
                { label: "Period", cell: period },
                { label: due < 0 ? "Credited" : "Amount", numeric: true, cell: (l) => money(l.amount.amount, l.amount.currency) },
              ],
              p.lines,
              { caption: `What accepting ${quote.number} bills at once`, stack: true },
            )
          : null,
        totals([
          ["Monthly total", `${formatMoney(p.monthlyRecurringRevenueBefore.amount, quote.currency)} → ${formatMoney(p.newMonthlyRecurringRevenue.amount, quote.currency)}`],
          ["Contract value of the term", contractValue(p, quote.currency)],
          [due > 0 ? "Invoiced on acceptance (tax included)" : due < 0 ? "Credited on acceptance (tax included)" : "Billed on acceptance", due ? amount : "Nothing"],
        ]),
        h(
          "p",
          { class: "muted" },
          `Prorated for the days from ${formatDate(p.effectiveDate)} to the end of the current period; later periods bill the new amounts until the term ends${quote.subscription ? ` on ${formatDate(lastDay(quote.subscription.currentTermEnd))}` : ""}.`,
        ),
      );
    }
    previewEl.replaceChildren(
      h(
        "section",
        { class: "card", "aria-labelledby": "preview-title" },
        h("div", { class: "card__body stack preview" }, h("h2", { id: "preview-title" }, "On acceptance"), ...body),
      ),
    );
  }

  // ---- adding a product ----------------------------------------------------------------

  function renderAdd() {
    if (!editable()) return addEl.replaceChildren();
    if (addEl.firstChild) return; // keep what is being typed
    const product = select([["", "Loading products…"]], "", { disabled: true });
    const price = select([["", "Choose a product first"]], "", { disabled: true });
    const quantity = h("input", { type: "text", inputmode: "numeric", value: "1", autocomplete: "off" });
    const discount = h("input", { type: "text", inputmode: "decimal", value: "0", autocomplete: "off" });
    const problem = alertBox();
    const button = h("button", { class: "button button--primary", type: "submit" }, "Add line");
    const options = (control, pairs) => control.replaceChildren(...pairs.map(([value, text]) => h("option", { value }, text)));

    function fillPrices() {
      const chosen = products?.find((p) => p.id === product.value);
      options(price, chosen ? chosen.prices.map((p) => [p.id, `${PERIOD_LABEL[p.billingPeriod]} · ${summary(p)}`]) : [["", "Choose a product first"]]);
      price.disabled = !chosen;
    }

    async function loadProducts() {
      try {
        products ??= (await graphql(PRODUCTS, { currency: quote.currency })).products.edges.map((e) => e.node).filter((p) => p.prices.length);
        options(product, [["", "Choose a product"], ...products.map((p) => [p.id, p.name])]);
        product.disabled = false;
      } catch (error) {
        problem.show(error.message);
      }
    }

    /** What stops the line from being added, in words; null when it can be. */
    function check() {
      const q = quantity.value.trim();
      const d = discount.value.trim() || "0";
      return !product.value
        ? "Choose a product to add."
        : !WHOLE.test(q) || Number(q) < 1 || Number(q) > MAX_QUANTITY
          ? `Enter a whole number of units, from 1 to ${MAX_QUANTITY.toLocaleString()}.`
          : !/^\d+(\.\d{1,2})?$/.test(d) || Number(d) > 100
            ? "Enter a discount from 0 to 100 %, like 12.5."
            : null;
    }

    async function add(event) {
      event.preventDefault();
      const q = quantity.value.trim();
      const d = discount.value.trim() || "0";
      const invalid = check();
      problem.show(invalid);
      if (invalid || button.disabled) return;
      button.disabled = true;
      const vars = { quoteId: quote.id, priceId: price.value, quantity: Number(q), discountPercent: d };
      if (await edit(ADD_LINE, "addQuoteLine", vars, problem)) {
        quantity.value = "1";
        discount.value = "0";
        product.value = "";
        fillPrices();
        product.focus();
      }
      button.disabled = false;
    }

    product.addEventListener("change", fillPrices);
    // A message about what was typed goes once it is fixed.
    const recheck = () => !problem.hidden && problem.show(check());
    for (const control of [product, quantity, discount]) control.addEventListener("input", recheck);
    loadProducts();
    addEl.replaceChildren(
      h(
        "section",
        { class: "card", "aria-labelledby": "add-title" },
        h(
          "form",
          { class: "card__body stack", onsubmit: add, novalidate: true },
          h("h2", { id: "add-title" }, "Add a product"),
          h(
            "div",
            { class: "form-grid" },
            field("Product", product),
            field("Price", price, `In ${quote.currency}, the account's currency.`),
            field("Quantity", quantity),
            field("Discount %", discount, "Deep discounts need a manager's approval."),
          ),
          problem,
          h("div", {}, button),
        ),
      ),
    );
  }

  // ---- status and actions ----------------------------------------------------------------

  function renderAside() {
    const expired = quote.status === "EXPIRED" || (quote.status === "SENT" && quote.expiresOn < todayISO());
    const status = quote.status;
    const button = (label, onclick, primary = true) => h("button", { class: `button button--block${primary ? " button--primary" : ""}`, type: "button", onclick }, label);
    const buttons = [];
    if (staff && !quote.isCart) {
      if (quote.approvalRequired && ["DRAFT", "IN_REVIEW"].includes(status)) {
        buttons.push(button("Submit for approval", () => act(SUBMIT, "submitQuoteForApproval", {}, `${quote.number} waits for a manager's approval.`)));
      }
      if (EDITABLE.includes(status)) {
        const needsApproval = quote.approvalRequired && status !== "APPROVED";
        buttons.push(button("Send to customer", () => act(SEND, "sendQuote", {}, `${quote.number} is sent to ${quote.account?.name ?? "the customer"}.`), !needsApproval));
      }
    }
    if (staff && !quote.isCart && EDITABLE.includes(status)) buttons.push(button(quote.purchaseOrderNumber ? "Change PO number" : "Add PO number", editPurchaseOrder, false));
    if (staff && !quote.isCart && ["PENDING_APPROVAL", "SENT"].includes(status)) buttons.push(button("Recall to draft", recall, false));
    if (staff && !quote.isCart && status === "DRAFT") buttons.push(h("button", { class: "button button--block button--danger", type: "button", onclick: deleteDraft }, "Delete draft"));
    if (APPROVERS.includes(role) && status === "PENDING_APPROVAL") {
      buttons.push(button("Approve", () => act(APPROVE, "approveQuote", {}, `${quote.number} is approved.`)), button("Reject", reject, false));
    }
    if (role === "CUSTOMER" && status === "SENT" && !expired) buttons.push(button("Accept quote", accept), button("Decline", decline, false));
    asideEl.replaceChildren(
      h("h2", {}, "Status"),
      h("div", { class: "badges" }, statusBadge(status)),
      notice(expired),
      detailList([
        ["Account", quote.account?.name],
        ["Subscription", quote.subscription && h("a", { href: path("/subscriptions", quote.subscription.id) }, quote.subscription.number)],
        [amendment() ? "Effective" : "Start", formatDate(quote.startDate)],
        ["Term", amendment() ? `To the end of the term` : `${quote.termMonths} months`],
        ["Uplift", quote.kind === "RENEWAL" && formatPercent(quote.upliftPercent)],
        ["Valid until", quote.expiresOn && formatDate(quote.expiresOn)],
        ["PO number", quote.purchaseOrderNumber],
        ["Signed by", quote.acceptance && [quote.acceptance.signerName, quote.acceptance.signerTitle].filter(Boolean).join(", ")],
        ["Signed", quote.acceptance && `${formatDate(quote.acceptance.acceptedAt.slice(0, 10))} (version ${quote.acceptance.version})`],
        ["Document", quote.pdfUrl && !EDITABLE.includes(status) && h("a", { href: quote.pdfUrl, target: "_blank", rel: "noopener", class: "quote-pdf" }, "Quote PDF")],
        ["Order", quote.order && h("a", { href: path("/orders", quote.order.id) }, quote.order.number)],
        ["Version", staff && String(quote.version)],
      ]),
      editable() ? termsForm() : "",
      actionProblem,
      h("div", { class: "stack" }, buttons),
    );
  }

  /** The quote's terms, as its kind allows: a new quote's start and term, an amendment's
   * effective date, a renewal's term and uplift (it starts when the current term ends). */
  function termsForm() {
    const kind = quote.kind;
    const problem = alertBox();
    const inputs = {};
    if (kind !== "RENEWAL") inputs.startDate = h("input", { type: "date", value: quote.startDate });
    if (kind !== "AMENDMENT") inputs.termMonths = h("input", { type: "text", inputmode: "numeric", value: String(quote.termMonths), autocomplete: "off" });
    if (kind === "RENEWAL") inputs.upliftPercent = h("input", { type: "text", inputmode: "decimal", value: formatPercent(quote.upliftPercent).replace(/ %|—/g, "") || "0", autocomplete: "off" });
    const labels = { startDate: kind === "AMENDMENT" ? "Effective date" : "Start date", termMonths: "Term (months)", upliftPercent: "Uplift %" };
    const hints = { startDate: kind === "AMENDMENT" ? "Back to the start of the current billing period at the earliest." : null, upliftPercent: "On list prices, before discounts." };
    const fields = Object.fromEntries(Object.entries(inputs).map(([key, input]) => [key, field(labels[key], input, hints[key])]));
    const checks = {
      startDate: (value) => (value ? null : `Choose the ${labels.startDate.toLowerCase()}.`),
      termMonths: (value) => (WHOLE.test(value) && Number(value) >= 1 && Number(value) <= MAX_TERM_MONTHS ? null : `Enter the term as a whole number of months, from 1 to ${MAX_TERM_MONTHS}.`),
      upliftPercent: (value) => (/^\d+(\.\d{1,2})?$/.test(value) && Number(value) <= 100 ? null : "Enter an uplift from 0 to 100 %, like 5 or 3.5."),
    };
    /** Check one field (or all), saying what is wrong under it; true when all are right. */
    const check = (keys = Object.keys(inputs)) =>
      keys.map((key) => {
        const message = checks[key](inputs[key].value.trim());
        fields[key].showError(message);
        return !message;
      }).every(Boolean);
    for (const [key, input] of Object.entries(inputs)) input.addEventListener("input", () => input.hasAttribute("aria-invalid") && check([key]));
    async function save(event) {
      event.preventDefault();
      if (!check()) return Object.values(inputs).find((input) => input.hasAttribute("aria-invalid"))?.focus();
      const variables = { quoteId: quote.id };
      if (inputs.startDate && inputs.startDate.value !== quote.startDate) variables.startDate = inputs.startDate.value;
      if (inputs.termMonths && Number(inputs.termMonths.value) !== quote.termMonths) variables.termMonths = Number(inputs.termMonths.value);
      if (inputs.upliftPercent && Number(inputs.upliftPercent.value) !== Number(quote.upliftPercent)) variables.upliftPercent = inputs.upliftPercent.value.trim();
      if (Object.keys(variables).length === 1) return problem.show(null);
      if (await edit(UPDATE_TERMS, "updateQuote", variables, problem)) toast(`${quote.number}: terms saved.`);
    }
    return h("form", { class: "stack terms-form", onsubmit: save, novalidate: true, "aria-label": "Terms" }, Object.values(fields), problem, h("button", { class: "button button--block", type: "submit" }, "Save terms"));
  }

  function notice(expired) {
    const customer = role === "CUSTOMER";
    const say = (text, tone = "") => h("p", { class: `notice${tone && ` notice--${tone}`}` }, text);
    const until = formatDate(quote.expiresOn);
    if (quote.isCart && quote.status === "DRAFT") {
      return customer ? say(["This is your cart. ", h("a", { href: "/cart" }, "Open the cart")]) : say("The customer's cart: it becomes a quote when they ask sales for one.");
    }
    if (expired) return say(customer ? `This quote expired on ${until} and can no longer be accepted. Ask your sales rep for a new one.` : `Expired on ${until} without an answer.`, "warn");
    const texts = {
      DRAFT: staff
        ? quote.approvalRequired
          ? [deepReduction()
              ? `It takes more than ${threshold} % off the contract: submit it for a manager's approval, then send it.`
              : `A discount is above ${threshold} %: submit the quote for a manager's approval, then send it.`, "warn"]
          : ["When the lines are right, send the quote to the customer."]
        : ["Sales is preparing this quote."],
      IN_REVIEW: customer ? ["Sales is preparing your quote. You can accept it once they send it."] : ["The customer asked for this quote: adjust it, then send it.", "info"],
      PENDING_APPROVAL: APPROVERS.includes(role)
        ? [`Check the ${deepReduction() ? "reduction" : "discounts"}, then approve the quote or send it back with a reason.`, "warn"]
        : ["Waiting for a manager's approval.", "warn"],
      APPROVED: ["Approved: send it to the customer. Changing a line sends it back to draft.", "ok"],
      SENT: customer ? [`Valid until ${until}. ${ACCEPTING[quote.kind]}`, "info"] : [`Sent to the customer, valid until ${until}.`, "info"],
      ACCEPTED: [ACCEPTED[quote.kind], "ok"],
      DECLINED: ["Declined by the customer."],
    };
    return say(...(texts[quote.status] || [statusLabel(quote.status)]));
  }

  async function act(mutation, key, variables, done) {
    if (acting) return null;
    acting = true;
    actionProblem.show(null);
    const buttons = asideEl.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      // Edits still being typed go first, so the action sees the quote as shown.
      [...pending.values()].forEach((save) => save());
      await queue;
      if (invalid.size) {
        const [[input, message]] = invalid;
        actionProblem.show(`Fix the lines first: ${message}`);
        input.focus();
        return null;
      }
      const result = await mutate(mutation, { quoteId: quote.id, ...variables }, key);
      if (result.quote) show(result.quote);
      if (done) toast(done);
      return result;
    } catch (error) {
      actionProblem.show(error.message);
      if (error.code === "STALE_VERSION") await reload();
      return null;
    } finally {
      acting = false;
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  /** A dialog asking why; `required` refuses an empty reason. */
  function askReason({ title, intro, label, hint, confirm, required, mutation, key, done }) {
    const reason = h("textarea", { rows: 3, maxlength: 2000 });
    return formDialog({
      title,
      intro,
      confirm,
      fields: [field(label, reason, hint)],
      onSubmit: async () => {
        if (required && !reason.value.trim()) throw new Error("Say why, so the rep knows what to change.");
        show((await mutate(mutation, { quoteId: quote.id, reason: reason.value.trim() }, key)).quote);
        toast(done);
        return true;
      },
    });
  }

  const recall = () =>
    askReason({
      title: `Recall ${quote.number}?`,
      intro: quote.status === "SENT" ? "The customer can no longer accept it; it is a draft again, to change and send again." : "It leaves the approval queue and is a draft again, to change and submit again.",
      label: "Reason (optional)", hint: "Kept in the quote's history.",
      confirm: "Recall to draft", mutation: RECALL, key: "recallQuote", done: `${quote.number} is back in draft.`,
    });

  async function deleteDraft() {
    const ok = await confirmDialog({
      title: `Delete ${quote.number}?`,
      body: "The draft, its lines and its history are deleted for good.",
      confirm: "Delete draft",
      cancel: "Keep it",
    });
    if (!ok) return;
    const result = await act(DELETE, "deleteQuote", { expectedVersion: quote.version }, `${quote.number} is deleted.`);
    if (result?.deletedQuoteId) navigate("/quotes");
  }

  const reject = () =>
    askReason({
      title: `Reject ${quote.number}?`, intro: "It goes back to draft so the rep can change it.", label: "Reason", hint: "The rep reads it in the history.",
      confirm: "Reject quote", required: true, mutation: REJECT, key: "rejectQuote", done: `${quote.number} is back in draft.`,
    });
  const decline = () =>
    askReason({
      title: `Decline ${quote.number}?`, intro: "It can no longer be accepted afterwards.", label: "Reason (optional)", hint: "Tell your rep what would work better.",
      confirm: "Decline quote", mutation: DECLINE, key: "declineQuote", done: `You declined ${quote.number}.`,
    });

  function editPurchaseOrder() {
    const po = h("input", { type: "text", maxlength: 100, value: quote.purchaseOrderNumber, autocomplete: "off" });
    return formDialog({
      title: `PO number for ${quote.number}`,
      intro: "The customer's purchase order number: printed on the quote, its order, invoices and credit notes.",
      confirm: "Save",
      fields: [field("PO number", po, "Leave empty to remove it.")],
      onSubmit: async () => {
        show((await mutate(UPDATE_PO, { quoteId: quote.id, purchaseOrderNumber: po.value, expectedVersion: quote.version }, "updateQuote")).quote);
        toast(po.value.trim() ? `PO number saved on ${quote.number}.` : `PO number removed from ${quote.number}.`);
        return true;
      },
    });
  }

  async function accept() {
    const due = quote.changePreview?.amountDueNow;
    const bodies = {
      NEW: `This orders everything on the quote for ${quote.termMonths} months, ${formatMoney(quote.totalContractValue.amount, quote.currency)} in total before tax, and issues the first invoice now.`,
      AMENDMENT: due
        ? `Your subscription changes from ${formatDate(quote.startDate)}. ${Number(due.amount) >= 0 ? `${formatMoney(due.amount, due.currency)} is invoiced now` : `${formatMoney(Math.abs(Number(due.amount)).toFixed(2), due.currency)} is credited now`} (tax included), and the monthly total becomes ${formatMoney(quote.changePreview.newMonthlyRecurringRevenue.amount, quote.currency)}.`
        : `Your subscription changes from ${formatDate(quote.startDate)} as the quote shows.`,
      RENEWAL: `Your subscription renews on ${formatDate(quote.startDate)} for ${quote.termMonths} months, ${formatMoney(quote.totalContractValue.amount, quote.currency)} in total before tax, billed period by period from then on.`,
    };
    const name = h("input", { type: "text", maxlength: 200, value: session.viewer.name ?? "", autocomplete: "name", required: true });
    const title = h("input", { type: "text", maxlength: 200, autocomplete: "organization-title" });
    const po = h("input", { type: "text", maxlength: 100, value: quote.purchaseOrderNumber, autocomplete: "off" });
    const read = h("a", { href: quote.pdfUrl, target: "_blank", rel: "noopener" }, `Read ${quote.number} (PDF)`);
    const result = await formDialog({
      title: `Sign and accept ${quote.number}`,
      intro: h("span", {}, `${bodies[quote.kind] ?? bodies.NEW} `, read, " before you sign: your name, title and the time are recorded on it."),
      confirm: "Accept and order",
      fields: [
        field("Your name", name),
        field("Your title", title, "For example: Head of Procurement."),
        field("PO number", po, "Your purchase order number, printed on the order and its invoices."),
      ],
      onSubmit: async () => {
        if (!name.value.trim()) throw new Error("Enter your name to sign the quote.");
        return mutate(ACCEPT, { quoteId: quote.id, signerName: name.value, signerTitle: title.value, purchaseOrderNumber: po.value }, "acceptQuote");
      },
    });
    if (result?.order) {
      toast(`You accepted ${quote.number}.`);
      navigate(path("/orders", result.order.id));
    }
  }

  // ---- note and history ------------------------------------------------------------------

  function renderHistory() {
    const section = (id, title, body) => h("section", { class: "card", "aria-labelledby": id }, h("div", { class: "card__body stack" }, h("h2", { id }, title), body));
    const events = quote.history.map((e) =>
      h(
        "li",
        {},
        h("div", {}, h("strong", {}, e.actorName ?? "Recur"), ` ${DID[e.action] || e.action.toLowerCase()} `, statusBadge(e.toStatus)),
        h("time", { class: "line-meta", datetime: e.at }, formatDateTime(e.at)),
        e.comment && e.comment !== quote.note && h("blockquote", {}, e.comment),
      ),
    );
    historyEl.replaceChildren(
      quote.preparedFromOffer ? h("p", { class: "notice notice--info" }, `Prepared from the offer “${quote.preparedFromOffer}”.`) : "",
      quote.note ? section("note-title", staff ? "Note from the customer" : "Your note to sales", h("p", { class: "quote-note" }, quote.note)) : "",
      section("history-title", "History", events.length ? h("ol", { class: "history" }, events) : h("p", { class: "muted" }, "Nothing has happened to this quote yet.")),
    );
  }

  load();
  return root;
}

function summary(price) {
  const { lead, amount, tail } = priceSummary(price);
  return `${lead}${amount} ${tail}`;
}

function missing() {
  document.title = "Quote not found · Recur";
  return emptyState("Quote not found", "It may belong to another account, or the link is mistyped.", h("a", { class: "button", href: "/quotes" }, "All quotes"), 1);
}
