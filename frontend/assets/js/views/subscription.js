// One subscription: its items at their net prices, the term, renewal and the next billing date;
// changing it with an exact preview; cancelling it; and its history.
import { MONEY, graphql, mutate } from "../api.js";
import { confirmDialog, detailList, emptyState, errorState, field, formDialog, formatDate, formatDateTime, formatMoney, formatPercent, h, loading, money, pageHead, path, showFieldErrors, statusBadge, table, toast, totals } from "../ui.js";
import { PER_PERIOD, lineProduct } from "./pricing.js";
import { SALES, amendmentButton, prepareRenewal } from "./change-quotes.js";
import { changePanel, lastDay } from "./subscription-change.js";
import { USAGE_FIELDS, upcomingCard, usageCard } from "./subscription-usage.js";

const SUBSCRIPTION = `query Subscription($id: ID!) {
  subscription(id: $id) {
    id number status currency startDate termMonths currentTermEnd termEndsOn autoRenew renewalUpliftPercent canceledOn nextBillingDate account { name }
    agreedRenewal { id number startDate termMonths quote { id number } }
    scheduledChanges { id effectiveDate description }
    items { id quantity discountPercent product { name sku } price { id billingPeriod usageType } netAmount ${MONEY} }
    monthlyRecurringRevenue ${MONEY}
    events { id action effectiveDate occurredAt summary before after actorName amountNow ${MONEY}
             monthlyRecurringRevenueAfter ${MONEY} invoice { id number } creditNote { id number } }
    ${USAGE_FIELDS}
  }
}`;
const AUTO_RENEW = `mutation AutoRenew($id: ID!, $on: Boolean!) {
  setAutoRenew(input: { subscriptionId: $id, autoRenew: $on }) { subscription { autoRenew } userErrors { field message code } } }`;
const UPLIFT = `mutation Uplift($id: ID!, $percent: Decimal!) {
  setRenewalUplift(input: { subscriptionId: $id, upliftPercent: $percent }) { subscription { renewalUpliftPercent } userErrors { field message code } } }`;
const CALL_OFF = `mutation CallOff($id: ID!, $change: ID!) {
  cancelScheduledChange(input: { subscriptionId: $id, scheduledChangeId: $change }) { subscription { id } userErrors { field message code } } }`;
const PREVIEW_CANCEL = `query PreviewCancel($input: SubscriptionChangeInput!) {
  previewSubscriptionChange(input: $input) { amountDueNow ${MONEY} userErrors { message } } }`;
const CANCEL = `mutation Cancel($id: ID!) {
  cancelSubscription(input: { subscriptionId: $id, mode: IMMEDIATELY }) {
    creditNote { number total ${MONEY} } userErrors { field message code } } }`;
const CHANGERS = ["CUSTOMER", "REP", "MANAGER", "FINANCE", "ADMIN"];

export function render({ params, session, navigate }) {
  document.title = "Subscription · Recur";
  const role = session.viewer.role;
  const root = h("div", {}, loading("Loading the subscription", 2));
  async function load() {
    try {
      const { subscription } = await graphql(SUBSCRIPTION, { id: params.id });
      root.replaceChildren(subscription ? view(subscription, { role, reload: load, navigate }) : missing());
    } catch (error) {
      root.replaceChildren(errorState(error, load));
    }
  }
  load();
  return root;
}

function missing() {
  document.title = "Subscription not found · Recur";
  return emptyState("Subscription not found", "It may belong to another account, or the link is mistyped.", h("a", { class: "button", href: "/subscriptions" }, "All subscriptions"), 1);
}

function view(s, { role, reload, navigate }) {
  document.title = `${s.number} · Recur`;
  const active = s.status === "ACTIVE";
  const staff = role !== "CUSTOMER";
  const mayChange = active && CHANGERS.includes(role);
  const period = (i) => i.price?.billingPeriod;
  const metered = (i) => i.price?.usageType === "METERED";
  return h(
    "article",
    { "aria-labelledby": "page-title" },
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "/subscriptions" }, "Subscriptions"), " / ", s.number),
    pageHead(`Subscription ${s.number}`, [s.account?.name, `${s.termMonths}-month term`].filter(Boolean).join(" · ")),
    h(
      "div",
      { class: "split" },
      h(
        "div",
        { class: "stack-lg" },
        h(
          "section",
          { class: "card", "aria-labelledby": "items-title" },
          h("div", { class: "card__body card__body--head" }, h("h2", { id: "items-title" }, "Items")),
          s.items.length
            ? table(
                [
                  { label: "Product", cell: (i) => lineProduct(i.product, period(i)) },
                  { label: "Quantity", numeric: true, cell: (i) => (metered(i) ? [i.quantity.toLocaleString(), " ", h("span", { class: "muted" }, "estimated")] : i.quantity.toLocaleString()) },
                  { label: "Discount", numeric: true, cell: (i) => formatPercent(i.discountPercent) },
                  { label: "Net per period", numeric: true, cell: (i) => (metered(i) ? h("span", { class: "muted" }, "By usage, in arrears") : [money(i.netAmount.amount, i.netAmount.currency), " ", h("span", { class: "muted" }, PER_PERIOD[period(i)])]) },
                ],
                s.items,
                { caption: `Items of ${s.number}`, stack: true },
              )
            : emptyState("No items", "Nothing recurring is left on this subscription."),
          h("div", { class: "card__body card__section" }, totals([["Monthly recurring revenue", money(s.monthlyRecurringRevenue.amount, s.currency)]])),
        ),
        usageCard(s),
        upcomingCard(s),
        scheduled(s, mayChange, reload),
        mayChange && s.items.length ? changePanel(s, { staff, reload }) : null,
        history(s),
      ),
      h(
        "aside",
        { class: "card split__aside", "aria-labelledby": "terms-title" },
        h(
          "div",
          { class: "card__body stack" },
          h("h2", { id: "terms-title" }, "Terms"),
          h("div", { class: "badges" }, statusBadge(s.status)),
          detailList([
            ["Started", formatDate(s.startDate)],
            ["Term", `${s.termMonths} months`],
            ["Term ends", formatDate(s.termEndsOn)],
            ["Next billing", s.nextBillingDate ? formatDate(s.nextBillingDate) : "None: the term is over"],
            ["Renewal", renewal(s)],
            ["Price rise at renewal", upliftText(s)],
            ["Currency", s.currency],
          ]),
          mayChange ? renewalToggle(s, reload) : null,
          active && SALES.includes(role) ? upliftButton(s, reload) : null,
          mayChange && staff ? cancelNow(s, reload) : null,
        ),
        active && SALES.includes(role) ? quoteActions(s, navigate) : null,
      ),
    ),
  );
}

/** How the term ends: cancelled, renewed as agreed on a quote, automatically, or not. */
function renewal(s) {
  if (s.canceledOn) return `Cancelled on ${formatDate(s.canceledOn)}`;
  const agreed = s.agreedRenewal;
  if (agreed) {
    return [`Agreed: ${agreed.termMonths} months from ${formatDate(agreed.startDate)}, as quoted in `, h("a", { href: path("/quotes", agreed.quote.id) }, agreed.quote.number)];
  }
  return s.autoRenew ? `Renews on ${formatDate(s.currentTermEnd)}` : `Ends on ${formatDate(lastDay(s.currentTermEnd))}`;
}

/** Auto-renew on or off; off is how a customer cancels: it runs to the end of the term. With a
 * renewal agreed, it is about the term after the agreed one. */
function renewalToggle(s, reload) {
  const { label, danger, dialog, done } = s.agreedRenewal ? afterAgreed(s) : atTermEnd(s);
  const button = h("button", { class: `button button--block${danger ? " button--danger" : ""}`, type: "button" }, label);
  button.addEventListener("click", async () => {
    if (!(await confirmDialog(dialog))) return;
    button.disabled = true;
    try {
      await mutate(AUTO_RENEW, { id: s.id, on: !s.autoRenew }, "setAutoRenew");
      toast(done);
      await reload();
    } catch (error) {
      toast(error.message, "error");
      button.disabled = false;
    }
  });
  return button;
}

function atTermEnd(s) {
  const end = formatDate(lastDay(s.currentTermEnd));
  return s.autoRenew
    ? {
        label: "Cancel at term end",
        danger: true,
        dialog: { title: `Cancel ${s.number} at term end?`, body: `It will not renew. You keep every item until ${end}, the last day of the term, and nothing more is billed after it. You can turn auto-renew back on until then.`, confirm: "Cancel at term end", cancel: "Keep it" },
        done: `${s.number} ends on ${end}.`,
      }
    : {
        label: "Turn auto-renew back on",
        dialog: { title: `Renew ${s.number} automatically?`, body: `It renews on ${formatDate(s.currentTermEnd)} for another ${s.termMonths} months at the prices then in force.`, confirm: "Turn auto-renew on" },
        done: `${s.number} renews automatically.`,
      };
}

function afterAgreed(s) {
  const { quote, startDate, termMonths } = s.agreedRenewal;
  return s.autoRenew
    ? {
        label: "Don't renew after the agreed term",
        dialog: { title: `End ${s.number} after the agreed term?`, body: `The term agreed in ${quote.number} still begins on ${formatDate(startDate)}; when it ends, ${s.number} will not renew.`, confirm: "Don't renew", cancel: "Keep renewing" },
        done: `${s.number} ends after the agreed term.`,
      }
    : {
        label: "Renew automatically after the agreed term",
        dialog: { title: `Renew ${s.number} after the agreed term?`, body: `When the term agreed in ${quote.number} ends, ${s.number} renews automatically for another ${termMonths} months.`, confirm: "Renew automatically" },
        done: `${s.number} renews automatically after the agreed term.`,
      };
}

function upliftText(s) {
  return Number(s.renewalUpliftPercent) ? `${formatPercent(s.renewalUpliftPercent)} at each automatic renewal` : "None: renews at the same prices";
}

/** Sales set how much each automatic renewal raises the prices of the term before: the
 * dialog shows what the monthly total becomes at the next one. */
function upliftButton(s, reload) {
  const button = h("button", { class: "button button--block", type: "button" }, "Set renewal uplift");
  button.addEventListener("click", async () => {
    const input = h("input", { type: "text", inputmode: "decimal", value: String(Number(s.renewalUpliftPercent)), autocomplete: "off" });
    const effect = h("p", { class: "field__hint", "aria-live": "polite" });
    const monthly = Number(s.monthlyRecurringRevenue.amount);
    const show = () => {
      const percent = Number(input.value.trim() || "0");
      effect.textContent = Number.isFinite(percent) && percent >= 0 && percent <= 100
        ? `Monthly total ${formatMoney(monthly.toFixed(2), s.currency)} now; about ${formatMoney((monthly * (1 + percent / 100)).toFixed(2), s.currency)} after the next automatic renewal.`
        : "";
    };
    const fields = { upliftPercent: field("Uplift %", input, "0 to 100. Each automatic renewal raises every item's net price of the ending term by it, so uplifts compound.") };
    input.addEventListener("input", () => {
      fields.upliftPercent.showError(null);
      show();
    });
    const agreed = s.agreedRenewal;
    if (!agreed) show();
    const saved = await formDialog({
      title: `Renewal uplift of ${s.number}`,
      intro: agreed
        ? `The next term is agreed in ${agreed.quote.number} at its own prices; the uplift raises them at each automatic renewal after it.`
        : `Applies from the renewal on ${formatDate(s.currentTermEnd)}. A renewal quote the customer accepts sets its own prices instead.`,
      fields: agreed ? [fields.upliftPercent] : [fields.upliftPercent, effect],
      confirm: "Save uplift",
      onSubmit: async () => {
        const percent = input.value.trim() || "0";
        if (!/^\d+(\.\d{1,2})?$/.test(percent) || Number(percent) > 100) {
          const error = new Error("Check the highlighted field.");
          error.fieldMessage = () => "Enter an uplift from 0 to 100 %, like 5 or 3.5.";
          error.shownInFields = showFieldErrors(error, fields) || true;
          throw error;
        }
        try {
          return await mutate(UPLIFT, { id: s.id, percent }, "setRenewalUplift");
        } catch (error) {
          error.shownInFields = showFieldErrors(error, fields);
          throw error;
        }
      },
    });
    if (!saved) return;
    const percent = saved.subscription.renewalUpliftPercent;
    toast(Number(percent) ? `Each automatic renewal of ${s.number} raises its prices ${formatPercent(percent)}.` : `${s.number} renews at the same prices.`);
    await reload();
  });
  return button;
}

/** Staff end a subscription today: the unused part of the current periods is credited. */
function cancelNow(s, reload) {
  const button = h("button", { class: "button button--block button--danger", type: "button" }, "Cancel now");
  button.addEventListener("click", async () => {
    button.disabled = true;
    let credit = "the unused part of the current periods";
    try {
      const changes = s.items.map((i) => ({ itemId: i.id, quantity: 0 }));
      const { previewSubscriptionChange: p } = await graphql(PREVIEW_CANCEL, { input: { subscriptionId: s.id, changes } });
      if (!p.userErrors.length) credit = formatMoney(Math.abs(Number(p.amountDueNow.amount)).toFixed(2), s.currency);
    } catch {
      // The dialog still says what happens, without the amount.
    }
    const ok = await confirmDialog({
      title: `Cancel ${s.number} now?`,
      body: `Every item ends today and nothing more is billed. A credit note of ${credit} (tax included) is issued for the unused time; it pays the account's open invoices first.`,
      confirm: "Cancel now",
      cancel: "Keep it",
    });
    if (!ok) {
      button.disabled = false;
      return;
    }
    try {
      const { creditNote } = await mutate(CANCEL, { id: s.id }, "cancelSubscription");
      toast(creditNote ? `${s.number} cancelled; ${creditNote.number} credits ${formatMoney(creditNote.total.amount, creditNote.total.currency)}.` : `${s.number} cancelled.`);
      await reload();
    } catch (error) {
      toast(error.message, "error");
      button.disabled = false;
    }
  });
  return button;
}

/** Sales prepare a change or the next term as a quote, to send for the customer to accept. */
function quoteActions(s, navigate) {
  const button = (label, onclick) => h("button", { class: "button button--block", type: "button", onclick }, label);
  return h(
    "div",
    { class: "card__body card__section stack" },
    h("h2", { id: "quote-actions-title" }, "Quotes"),
    h("p", { class: "muted" }, "Offer a change with discounts, or the next term on new terms, for the customer to accept."),
    amendmentButton(s, navigate),
    button("Prepare renewal quote", () => prepareRenewal(s, navigate)),
  );
}

/** Changes made for a later day: the items change on that day; until then they can be
 * called off, and nothing of them is billed. */
function scheduled(s, mayChange, reload) {
  if (!s.scheduledChanges.length) return null;
  const callOff = (change) => {
    const button = h("button", { class: "button button--small", type: "button" }, "Call off");
    button.addEventListener("click", async () => {
      const ok = await confirmDialog({
        title: `Call off the change of ${formatDate(change.effectiveDate)}?`,
        body: `${change.description} will not happen, with any other item change made with it. Nothing of it has been billed.`,
        confirm: "Call it off",
        cancel: "Keep it",
      });
      if (!ok) return;
      button.disabled = true;
      try {
        await mutate(CALL_OFF, { id: s.id, change: change.id }, "cancelScheduledChange");
        toast(`The change of ${formatDate(change.effectiveDate)} is called off.`);
        await reload();
      } catch (error) {
        toast(error.message, "error");
        button.disabled = false;
      }
    });
    return button;
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "scheduled-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "scheduled-title" }, "Scheduled changes")),
    table(
      [
        { label: "From", cell: (c) => formatDate(c.effectiveDate) },
        { label: "Change", cell: (c) => c.description },
        ...(mayChange ? [{ label: "", numeric: true, cell: callOff }] : []),
      ],
      s.scheduledChanges,
      { caption: `Changes of ${s.number} waiting for their day`, stack: true },
    ),
    h("p", { class: "card__body muted" }, "The items above are what is in effect today; each change takes effect on its day and is billed from then on."),
  );
}

/** Every change, newest first. */
function history(s) {
  if (!s.events.length) return null;
  const documentLink = (e) =>
    e.invoice ? h("a", { href: path("/invoices", e.invoice.id) }, e.invoice.number) : e.creditNote ? h("a", { href: path("/credit-notes", e.creditNote.id) }, e.creditNote.number) : null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "history-title" },
    h("div", { class: "card__body card__body--head" }, h("h2", { id: "history-title" }, "History")),
    table(
      [
        { label: "When", cell: (e) => [h("div", {}, formatDateTime(e.occurredAt)), h("div", { class: "line-meta" }, e.actorName ? `by ${e.actorName}` : "by Recur")] },
        { label: "Change", cell: (e) => [h("div", { class: "line-name" }, e.summary), e.before || e.after ? h("p", { class: "line-explanation" }, `${e.before || "—"} → ${e.after || "—"}, from ${formatDate(e.effectiveDate)}`) : null] },
        { label: "Now", numeric: true, cell: (e) => (Number(e.amountNow.amount) ? [money(e.amountNow.amount, e.amountNow.currency), h("div", { class: "line-meta" }, documentLink(e))] : h("span", { class: "muted" }, "—")) },
        { label: "Monthly after", numeric: true, cell: (e) => (e.action.startsWith("AUTO_RENEW") || ["UPLIFT", "CHANGE_CALLED_OFF"].includes(e.action) ? h("span", { class: "muted" }, "—") : money(e.monthlyRecurringRevenueAfter.amount, e.monthlyRecurringRevenueAfter.currency)) },
      ],
      s.events,
      { caption: `History of ${s.number}`, stack: true },
    ),
  );
}
