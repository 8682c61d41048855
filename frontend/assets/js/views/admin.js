// The Admin area: one sub-navigation over its pages, each a view of its own. A page adds
// itself to ADMIN_PAGES (and its route in main.js).

import { h, showFieldErrors, toast } from "../ui.js";

/** [path, label, roles] of every page of the Admin area, in the order they are listed. */
export const ADMIN_PAGES = [
  ["/admin/catalog", "Catalog", ["ADMIN"]],
  ["/admin/accounts", "Accounts", ["ADMIN", "MANAGER"]],
  ["/admin/users", "Users", ["ADMIN"]],
  ["/admin/partners", "Partners", ["ADMIN"]],
  ["/admin/webhooks", "Webhooks", ["ADMIN"]],
  ["/admin/outbox", "Outbox", ["ADMIN"]],
  ["/admin/tax-rates", "Tax rates", ["ADMIN"]],
  ["/admin/settings", "Settings", ["ADMIN"]],
  ["/admin/audit", "Audit log", ["ADMIN"]],
];

/** The Admin area's sub-navigation, the current page marked. */
export function adminNav(current, role) {
  const pages = ADMIN_PAGES.filter(([, , roles]) => roles.includes(role));
  return h(
    "nav",
    { class: "subnav", "aria-label": "Admin" },
    pages.map(([href, label]) => h("a", { href, class: "subnav__link", "aria-current": href === current ? "page" : null }, label)),
  );
}

/** The first Admin page the role may open (the Admin link's target). */
export function adminHome(role) {
  return ADMIN_PAGES.find(([, , roles]) => roles.includes(role))?.[0] ?? null;
}

/** Run a dialog's mutation, showing userErrors under the fields they name. */
export async function submitting(fields, work) {
  try {
    return await work();
  } catch (error) {
    error.shownInFields = showFieldErrors(error, fields);
    throw error;
  }
}

/** Run a confirmed action; its refusal becomes a toast. */
export async function attempt(work, done = null) {
  try {
    const result = await work();
    if (done) toast(done);
    return result;
  } catch (error) {
    toast(error.message, "error");
    return null;
  }
}

/** The one showing of a secret (a partner client's, a webhook endpoint's signing secret): a
 * warning, what it belongs to (`facts`: [label, value] pairs), the secret with a copy
 * button, an optional note. Resolves when the admin says it is stored. */
export function showSecret({ title, warning, facts, label, value, note = null }) {
  return new Promise((resolve) => {
    const secret = h("input", { type: "text", readonly: true, value, class: "secret", id: "one-time-secret", spellcheck: "false" });
    const copied = h("span", { class: "field__hint", role: "status" });
    const copy = h("button", {
      class: "button",
      type: "button",
      onclick: async () => {
        secret.select();
        try {
          await navigator.clipboard.writeText(value);
          copied.textContent = "Copied.";
        } catch {
          copied.textContent = "Select the secret and copy it.";
        }
      },
    }, "Copy secret");
    const dialog = h(
      "dialog",
      { "aria-labelledby": "dialog-title" },
      h(
        "form",
        { method: "dialog", class: "dialog__body" },
        h("h2", { id: "dialog-title" }, title),
        h("div", { class: "alert alert--error", role: "alert" }, warning),
        facts.map(([name, text]) => h("div", { class: "field" }, h("label", {}, name), h("code", { class: "client-id" }, text))),
        h("div", { class: "field" }, h("label", { for: "one-time-secret" }, label), secret, h("div", { class: "actions" }, copy, copied)),
        note ? h("p", { class: "muted" }, note) : null,
        h("div", { class: "dialog__actions" }, h("button", { class: "button button--primary", value: "done" }, "I have stored the secret")),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    secret.select();
  });
}
