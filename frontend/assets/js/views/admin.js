// The Admin area: one sub-navigation over its pages, each a view of its own. A page adds
// itself to ADMIN_PAGES (and its route in main.js).

import { h } from "../ui.js";

/** [path, label, roles] of every page of the Admin area, in the order they are listed. */
export const ADMIN_PAGES = [
  ["/admin/catalog", "Catalog", ["ADMIN"]],
  ["/admin/accounts", "Accounts", ["ADMIN", "MANAGER"]],
  ["/admin/users", "Users", ["ADMIN"]],
  ["/admin/partners", "Partners", ["ADMIN"]],
  ["/admin/webhooks", "Webhooks", ["ADMIN"]],
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
