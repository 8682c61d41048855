// Shared building blocks: element helper, money, dates, badges, fields, tables, states,
// dialogs, toast.

/** Create an element: h("a", { href: "/", class: "x", onclick }, "text", child). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** The decimal places of a currency's minor unit, as the browser's Intl data knows them. */
function minorUnit(currency) {
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits;
}

/** Format an exact decimal string in its currency, keeping every significant decimal. */
export function formatMoney(amount, currency) {
  const minor = minorUnit(currency);
  const decimals = (String(amount).split(".")[1] || "").replace(/0+$/, "").length;
  const format = new Intl.NumberFormat(undefined, {
    style: "currency",
    currency,
    minimumFractionDigits: minor,
    maximumFractionDigits: Math.max(minor, decimals),
  });
  // Intl formats decimal strings exactly; numbers would round through binary floats.
  return format.format(String(amount));
}

/** "30.00" → "30 %", "12.50" → "12.5 %", zero → "—". */
export function formatPercent(value) {
  if (!Number(value)) return "—";
  const text = String(value);
  return `${text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text} %`;
}

export function money(amount, currency) {
  return h("span", { class: "money" }, formatMoney(amount, currency));
}

export function badge(text, tone = "") {
  return h("span", { class: `badge${tone ? ` badge--${tone}` : ""}` }, text);
}

const STATUS = {
  DRAFT: ["Draft", ""],
  IN_REVIEW: ["In review", "info"],
  PENDING_APPROVAL: ["Pending approval", "warn"],
  APPROVED: ["Approved", "ok"],
  SENT: ["Sent", "accent"],
  ACCEPTED: ["Accepted", "ok"],
  DECLINED: ["Declined", "danger"],
  EXPIRED: ["Expired", ""],
  ACTIVE: ["Active", "ok"],
  CANCELED: ["Canceled", "danger"],
  OPEN: ["Open", "warn"],
  PAID: ["Paid", "ok"],
  VOID: ["Void", ""],
  UNCOLLECTIBLE: ["Written off", "danger"],
};

/** The badge of a quote, subscription or invoice status. */
export function statusBadge(status) {
  const [text, tone] = STATUS[status] || [status, ""];
  return badge(text, tone);
}

export function statusLabel(status) {
  return (STATUS[status] || [status])[0];
}

const DATE = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "24 Nov 2026" from an ISO date; dates have no time zone, so read and shown as UTC. */
export function formatDate(iso) {
  return iso ? DATE.format(new Date(`${iso}T00:00:00Z`)) : "—";
}

export function formatDateTime(iso) {
  return iso ? DATE_TIME.format(new Date(iso)) : "—";
}

/** Today in the viewer's calendar, as an ISO date. */
export function todayISO() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** A page's title row: heading, a line under it, and actions on the right. */
export function pageHead(title, sub = null, actions = null, id = "page-title") {
  return h(
    "div",
    { class: "page-head" },
    h("div", {}, h("h1", { id, tabindex: "-1" }, title), sub ? h("p", {}, sub) : null),
    actions ? h("div", { class: "actions" }, actions) : null,
  );
}

/** Label/value pairs: [["Term", "12 months"], ...]; empty values are left out. */
export function detailList(pairs) {
  return h(
    "dl",
    { class: "detail-list" },
    pairs.filter(([, value]) => value || value === 0).map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
  );
}

/** Totals under a table: label left, money right; the last row is the grand total. */
export function totals(rows) {
  return h(
    "dl",
    { class: "totals" },
    rows.filter(Boolean).map(([label, value, note]) =>
      h("div", { class: "totals__row" }, h("dt", {}, label, note ? h("span", { class: "totals__note" }, note) : null), h("dd", {}, value)),
    ),
  );
}

/** An error region that stays empty (and hidden) until a message is set. */
export function alertBox() {
  const box = h("div", { class: "alert alert--error", role: "alert", hidden: true });
  box.show = (message) => {
    box.textContent = message || "";
    box.hidden = !message;
  };
  return box;
}

let fieldCount = 0;

/** A labelled form control; `control` is an <input> or <select> made by the caller. */
export function field(label, control, hint = null) {
  fieldCount += 1;
  const id = control.id || `field-${fieldCount}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  const element = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    hint ? h("span", { class: "field__hint", id: hintId }, hint) : null,
  );
  const error = h("p", { class: "field__error", id: `${id}-error`, hidden: true });
  /** Show a message under the control (marking it invalid), or clear it with null. */
  element.showError = (message) => {
    if (!error.isConnected) control.after(error);
    error.textContent = message || "";
    error.hidden = !message;
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
    const describedBy = [message ? error.id : null, hintId].filter(Boolean).join(" ");
    if (describedBy) control.setAttribute("aria-describedby", describedBy);
    else control.removeAttribute("aria-describedby");
  };
  return element;
}

/**
 * Show an ApiError's userErrors under the fields they name ({ amount: field(...) }), clear
 * the rest and focus the first field at fault; `null` clears them all. True when every
 * userError found its field, so the error needs saying nowhere else.
 */
export function showFieldErrors(error, fields) {
  const messages = new Map();
  for (const [name, element] of Object.entries(fields)) {
    if (!messages.get(element)) messages.set(element, error?.fieldMessage?.(name) ?? null);
  }
  for (const [element, message] of messages) element.showError(message);
  const first = [...messages].find(([, message]) => message);
  first?.[0].querySelector("input, select, textarea")?.focus();
  const errors = error?.userErrors ?? [];
  return errors.length > 0 && errors.every((e) => e.field && fields[e.field[e.field.length - 1]]);
}

/**
 * Once a field shows an error, check its value again on every edit (`check` returns the
 * message, or null), so the message goes as soon as the value is fixed.
 */
export function recheckOnInput(element, check) {
  const control = element.querySelector("input, select, textarea");
  const again = () => control.hasAttribute("aria-invalid") && element.showError(check(control.value.trim()));
  control.addEventListener("input", again);
  control.addEventListener("change", again);
}

export function select(options, value, attributes = {}) {
  return h(
    "select",
    attributes,
    options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value }, text),
    ),
  );
}

/**
 * A table: columns are { label, cell: (row) => node|string, numeric?: bool, hideLabel?: bool }.
 * Numeric columns are right-aligned with tabular figures. With `stack`, each row reads on a
 * phone as a small card of "label: value" pairs, so wide tables never scroll sideways.
 * `foot` rows (totals) go through the same columns into the table's footer.
 */
export function table(columns, rows, { caption, stack = false, foot = [] } = {}) {
  const row = (r) =>
    h("tr", {}, columns.map((c) => h("td", { class: c.numeric ? "num" : null, dataset: c.hideLabel ? null : { label: c.label } }, stack ? h("div", {}, c.cell(r)) : c.cell(r))));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: stack ? "table--stack" : null },
      caption ? h("caption", { class: "visually-hidden" }, caption) : null,
      h(
        "thead",
        {},
        h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.hideLabel ? h("span", { class: "visually-hidden" }, c.label) : c.label))),
      ),
      h("tbody", {}, rows.map(row)),
      foot.length ? h("tfoot", {}, foot.map(row)) : null,
    ),
  );
}

/** An empty or not-found state; `level` 1 when it is the whole page. */
export function emptyState(title, text, action = null, level = 2) {
  return h("div", { class: "empty" }, h(`h${level}`, {}, title), text ? h("p", {}, text) : null, action);
}

export function errorState(error, retry) {
  return h(
    "div",
    { class: "empty", role: "alert" },
    h("h2", {}, "Something went wrong"),
    h("p", {}, error.message || String(error)),
    retry ? h("button", { class: "button", type: "button", onclick: retry }, "Try again") : null,
  );
}

export function loading(label = "Loading", count = 3) {
  return h(
    "div",
    { class: "grid", "aria-busy": "true", "aria-label": label },
    Array.from({ length: count }, () => h("div", { class: "skeleton" })),
  );
}

/**
 * A list loaded page by page: `fetch(after)` resolves to { nodes, pageInfo } and `view(rows)`
 * draws the rows; loading, empty, error and "show more" are handled here.
 */
export function pagedList({ fetch, view, empty, more = "Show more", card = true }) {
  const element = h("div", { class: card ? "card" : null });
  let rows = [];
  let after = null;
  let request = 0;
  async function load(append = false) {
    const mine = ++request;
    if (!append) {
      rows = [];
      after = null;
      element.replaceChildren(loading("Loading", 1));
    }
    try {
      const { nodes, pageInfo } = await fetch(after);
      if (mine !== request) return;
      after = pageInfo.endCursor;
      rows = rows.concat(nodes);
      element.replaceChildren(rows.length ? view(rows) : empty());
      if (pageInfo.hasNextPage) {
        element.append(h("div", { class: "load-more" }, h("button", { class: "button", type: "button", onclick: () => load(true) }, more)));
      }
    } catch (error) {
      if (mine === request) element.replaceChildren(errorState(error, () => load()));
    }
  }
  load();
  return { element, reload: () => load() };
}

/** The app's address of an object: path("/quotes", id). */
export function path(base, id) {
  return `${base}/${encodeURIComponent(id)}`;
}

/** A modal dialog; resolves true when confirmed, false when dismissed. */
export function confirmDialog({ title, body, confirm = "Confirm", cancel = "Cancel" }) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { "aria-labelledby": "dialog-title" },
      h(
        "form",
        { method: "dialog", class: "dialog__body" },
        h("h2", { id: "dialog-title" }, title),
        h("p", {}, body),
        h(
          "div",
          { class: "dialog__actions" },
          h("button", { class: "button", value: "cancel" }, cancel),
          h("button", { class: "button button--primary", value: "confirm" }, confirm),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * A modal form: `fields` are nodes (use field()); `onSubmit` runs on confirm and may throw,
 * which shows the error (unless `shownInFields`: see showFieldErrors) and keeps the dialog
 * open. Resolves with onSubmit's result, or null when dismissed.
 */
export function formDialog({ title, intro = null, fields = [], confirm = "Save", cancel = "Cancel", onSubmit }) {
  return new Promise((resolve) => {
    const problem = alertBox();
    const submit = h("button", { class: "button button--primary", type: "submit" }, confirm);
    let result = null;
    const form = h(
      "form",
      { class: "dialog__body", novalidate: true },
      h("h2", { id: "dialog-title" }, title),
      intro ? h("p", { class: "muted" }, intro) : null,
      problem,
      fields,
      h(
        "div",
        { class: "dialog__actions" },
        h("button", { class: "button", type: "button", onclick: () => dialog.close() }, cancel),
        submit,
      ),
    );
    const dialog = h("dialog", { "aria-labelledby": "dialog-title" }, form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      problem.show(null);
      try {
        result = await onSubmit();
        dialog.close();
      } catch (error) {
        problem.show(error.shownInFields ? null : error.message);
      } finally {
        submit.disabled = false;
      }
    });
    dialog.addEventListener("close", () => {
      resolve(result);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A short message in the corner, announced to screen readers. */
export function toast(message, tone = "info") {
  let region = document.querySelector(".toasts");
  if (!region) {
    region = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(region);
  }
  const item = h("div", { class: `toast${tone === "error" ? " toast--error" : ""}` }, message);
  region.append(item);
  setTimeout(() => item.remove(), 5000);
}

/** Run `fn` once `wait` ms have passed without another call. */
export function debounce(fn, wait = 250) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}
