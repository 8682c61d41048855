// Shared building blocks: element helper, money, badge, field, table, states, dialog, toast.

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

const MINOR_UNITS = { JPY: 0 };

/** Format an exact decimal string in its currency, keeping every significant decimal. */
export function formatMoney(amount, currency) {
  const minor = MINOR_UNITS[currency] ?? 2;
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

export function money(amount, currency) {
  return h("span", { class: "money" }, formatMoney(amount, currency));
}

export function badge(text, tone = "") {
  return h("span", { class: `badge${tone ? ` badge--${tone}` : ""}` }, text);
}

let fieldCount = 0;

/** A labelled form control; `control` is an <input> or <select> made by the caller. */
export function field(label, control, hint = null) {
  fieldCount += 1;
  const id = control.id || `field-${fieldCount}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    hint ? h("span", { class: "field__hint", id: hintId }, hint) : null,
  );
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
 * A table: columns are { label, cell: (row) => node|string, numeric?: bool }.
 * Numeric columns are right-aligned with tabular figures.
 */
export function table(columns, rows, { caption } = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      caption ? h("caption", { class: "visually-hidden" }, caption) : null,
      h(
        "thead",
        {},
        h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.label))),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h("tr", {}, columns.map((c) => h("td", { class: c.numeric ? "num" : null }, c.cell(row)))),
        ),
      ),
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
