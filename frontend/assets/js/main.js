// The app shell: header, navigation for the viewer's role, and the routed view.
import { errorState, field, formDialog, h, loading, select, showFieldErrors, toast } from "./ui.js";
import { match, navigate, route, startRouter } from "./router.js";
import { session } from "./session.js";
import { cart } from "./cart.js";
import * as catalog from "./views/catalog.js";
import * as product from "./views/product.js";
import * as login from "./views/login.js";
import * as account from "./views/account.js";
import * as accounts from "./views/accounts.js";
import * as notFound from "./views/not-found.js";
import { adminHome } from "./views/admin.js";
import { searchBox } from "./search.js";

const STAFF = ["REP", "MANAGER", "FINANCE", "ADMIN"];
const SALES = ["REP", "MANAGER", "ADMIN"];
const EVERYONE = ["CUSTOMER", ...STAFF];

route("/", () => ({ redirect: "/products" }));
route("/products", () => ({ view: catalog }));
route("/products/:sku", () => ({ view: product }));
route("/login", () => ({ view: login }));
route("/account", () => ({ view: account, roles: ["CUSTOMER"] }));
route("/accounts", () => ({ view: accounts, roles: STAFF }));
route("/dashboard", () => ({ load: () => import("./views/dashboard.js"), roles: STAFF }));
route("/accounts/:id", () => ({ load: () => import("./views/account-360.js"), roles: STAFF }));
route("/orders", () => ({ load: () => import("./views/orders.js"), roles: STAFF }));
// Screens behind a login load when first opened, so the catalog's first load stays small.
route("/cart", () => ({ load: () => import("./views/cart.js"), roles: ["CUSTOMER"] }));
route("/orders/:id", () => ({ load: () => import("./views/order.js"), roles: EVERYONE }));
route("/quotes", () => ({ load: () => import("./views/quotes.js"), roles: ["CUSTOMER", ...SALES] }));
route("/quotes/:id", () => ({ load: () => import("./views/quote.js"), roles: EVERYONE }));
route("/renewals", () => ({ load: () => import("./views/renewals.js"), roles: STAFF }));
route("/approvals", () => ({ load: () => import("./views/approvals.js"), roles: ["MANAGER", "ADMIN"] }));
route("/subscriptions", () => ({ load: () => import("./views/subscriptions.js"), roles: EVERYONE }));
route("/subscriptions/:id", () => ({ load: () => import("./views/subscription.js"), roles: EVERYONE }));
route("/invoices", () => ({ load: () => import("./views/invoices.js"), roles: EVERYONE }));
route("/invoices/:id", () => ({ load: () => import("./views/invoice.js"), roles: EVERYONE }));
// The pay link of a payment reminder: the invoice with its payment form open.
route("/invoices/:id/pay", () => ({ load: () => import("./views/invoice.js"), roles: EVERYONE }));
route("/payments", () => ({ load: () => import("./views/payments.js"), roles: ["FINANCE", "ADMIN"] }));
route("/credit-notes/:id", () => ({ load: () => import("./views/credit-note.js"), roles: EVERYONE }));
// Finance and admins bill and record payments here; managers read the receivables.
route("/billing", () => ({ load: () => import("./views/billing.js"), roles: ["MANAGER", "FINANCE", "ADMIN"] }));
route("/admin/catalog", () => ({ load: () => import("./views/admin-catalog.js"), roles: ["ADMIN"] }));
route("/admin/catalog/:id", () => ({ load: () => import("./views/admin-product.js"), roles: ["ADMIN"] }));
route("/admin/catalog/:id/new-price", () => ({ load: () => import("./views/admin-price-form.js"), roles: ["ADMIN"] }));
route("/admin/accounts", () => ({ load: () => import("./views/admin-accounts.js"), roles: ["ADMIN", "MANAGER"] }));
route("/admin/users", () => ({ load: () => import("./views/admin-users.js"), roles: ["ADMIN"] }));
route("/signup", () => ({ load: () => import("./views/signup.js") }));
route("/invite/:token", () => ({ load: () => import("./views/set-password.js") }));
route("/reset/:token", () => ({ load: () => import("./views/set-password.js") }));
route("/admin/audit", () => ({ load: () => import("./views/admin-audit.js"), roles: ["ADMIN"] }));
route("/admin/partners", () => ({ load: () => import("./views/admin-partners.js"), roles: ["ADMIN"] }));
route("/admin/webhooks", () => ({ load: () => import("./views/admin-webhooks.js"), roles: ["ADMIN"] }));
route("/admin/outbox", () => ({ load: () => import("./views/admin-outbox.js"), roles: ["ADMIN"] }));
route("/admin/outbox/:id", () => ({ load: async () => ({ render: (await import("./views/admin-outbox.js")).renderMessage }), roles: ["ADMIN"] }));
route("/admin/tax-rates", () => ({ load: () => import("./views/admin-tax-rates.js"), roles: ["ADMIN"] }));
route("/admin/settings", () => ({ load: () => import("./views/admin-settings.js"), roles: ["ADMIN"] }));

/** The navigation each role sees. */
function navItems(viewer) {
  const role = viewer?.role;
  // Staff start from their dashboard; everyone else from the catalog.
  const items = STAFF.includes(role) ? [["/dashboard", "Dashboard"], ["/products", "Catalog"]] : [["/products", "Catalog"]];
  if (!viewer) return items;
  if (role === "CUSTOMER") {
    items.push(["/cart", "Cart"], ["/quotes", "Quotes"], ["/subscriptions", "Subscriptions"], ["/invoices", "Invoices"], ["/account", "My account"]);
    return items;
  }
  items.push(["/accounts", "Accounts"], ["/orders", "Orders"], ["/subscriptions", "Subscriptions"]);
  if (SALES.includes(role)) items.push(["/quotes", "Quotes"]);
  items.push(["/renewals", "Renewals"]);
  if (role === "MANAGER" || role === "ADMIN") items.push(["/approvals", "Approvals"]);
  if (role === "FINANCE" || role === "ADMIN") items.push(["/invoices", "Invoices"], ["/payments", "Payments"], ["/billing", "Billing"]);
  const admin = adminHome(role);
  if (admin) items.push([admin, "Admin"]);
  return items;
}

/** The cart link's count, updated in place whenever the cart changes; on a phone the menu
 * button repeats it, so the folded menu still says the cart has something. */
const cartCount = h("span", { class: "nav__count" });
const menuCount = h("span", { class: "nav__count", "aria-hidden": "true" });
function showCartCount(count) {
  cartCount.hidden = menuCount.hidden = count === 0;
  menuCount.textContent = String(count);
  cartCount.replaceChildren(
    ...(count
      ? [h("span", { "aria-hidden": "true" }, String(count)), h("span", { class: "visually-hidden" }, `, ${count} ${count === 1 ? "line" : "lines"}`)]
      : []),
  );
}
showCartCount(0);
cart.onChange(showCartCount);

function homeFor(viewer) {
  if (!viewer) return "/products";
  return viewer.role === "CUSTOMER" ? "/account" : "/accounts";
}

const header = document.getElementById("topbar");
const main = document.getElementById("main");
let current = new URL(location.href);

function renderHeader() {
  const viewer = session.viewer;
  const nav = h(
    "nav",
    { class: "nav", "aria-label": "Main" },
    navItems(viewer).map(([href, label]) =>
      h("a", { href, "aria-current": current.pathname.startsWith(href.startsWith("/admin/") ? "/admin/" : href) ? "page" : null }, label, href === "/cart" ? cartCount : null),
    ),
  );
  const currencySwitch =
    session.canChooseCurrency && session.currencies.length > 1
      ? h(
          "label",
          { class: "inline-select" },
          h("span", { class: "muted" }, "Currency"),
          select(
            session.currencies.map((c) => [c, c]),
            session.currency,
            { onchange: (e) => session.chooseCurrency(e.target.value) },
          ),
        )
      : null;
  const right = viewer
    ? h(
        "div",
        { class: "session" },
        searchBox(viewer),
        currencySwitch,
        h(
          "div",
          { class: "session__who" },
          h("div", { class: "session__name" }, viewer.name),
          h("div", { class: "session__sub" }, viewer.account ? viewer.account.name : roleLabel(viewer.role)),
          h("button", { class: "session__action", type: "button", onclick: changePassword }, "Change password"),
        ),
        h("button", { class: "button", type: "button", onclick: logOut }, "Log out"),
      )
    : h(
        "div",
        { class: "session" },
        currencySwitch,
        current.pathname === "/login"
          ? null
          : h("a", { class: "button button--primary", href: `/login?next=${encodeURIComponent(current.pathname + current.search)}` }, "Log in"),
      );
  // On a phone the navigation and the session fold into a menu behind one button.
  const menu = h("div", { class: "topbar__menu", id: "main-menu" }, nav, right);
  const toggle = h(
    "button",
    { class: "button menu-toggle", type: "button", "aria-expanded": "false", "aria-controls": "main-menu" },
    h("span", { class: "menu-toggle__icon", "aria-hidden": "true" }),
    "Menu",
    viewer?.role === "CUSTOMER" ? menuCount : null,
  );
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("topbar__menu--open", open);
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  header.onkeydown = (event) => {
    if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    toggle.focus();
  };
  header.replaceChildren(
    h(
      "div",
      { class: "topbar__inner" },
      h("a", { class: "brand", href: "/" }, h("img", { src: "/favicon.svg", alt: "" }), h("span", { class: "brand__name" }, "Recur")),
      toggle,
      menu,
    ),
  );
}

function roleLabel(role) {
  const labels = { CUSTOMER: "Customer", REP: "Sales rep", MANAGER: "Sales manager", FINANCE: "Finance", ADMIN: "Administrator" };
  return labels[role] || role;
}

/** The viewer's own password, changed in a dialog (the current one asked first). */
async function changePassword() {
  const current = h("input", { type: "password", name: "currentPassword", autocomplete: "current-password" });
  const next = h("input", { type: "password", name: "newPassword", autocomplete: "new-password" });
  const fields = { currentPassword: field("Current password", current), newPassword: field("New password", next, "10 to 128 characters.") };
  const changed = await formDialog({
    title: "Change password",
    intro: "Your other sessions end; this one stays logged in.",
    fields: Object.values(fields),
    confirm: "Change password",
    onSubmit: async () => {
      try {
        await session.changePassword(current.value, next.value);
        return true;
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
  if (changed) toast("Your password is changed.");
}

async function logOut() {
  try {
    await session.logout();
    navigate("/products");
    toast("You are logged out.");
  } catch (error) {
    toast(error.message, "error");
  }
}

async function render(url) {
  current = url;
  const found = match(url.pathname);
  const target = found ? found.handler(found.params) : { view: notFound };
  if (target.redirect) return navigate(target.redirect, { replace: true });
  if (target.roles) {
    if (!session.viewer) {
      return navigate(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, { replace: true });
    }
    if (!target.roles.includes(session.viewer.role)) {
      return navigate(homeFor(session.viewer), { replace: true });
    }
  }
  renderHeader();
  let view = target.view;
  if (!view) {
    main.replaceChildren(loading("Loading", 2));
    try {
      view = await target.load();
    } catch (error) {
      main.replaceChildren(errorState(error, () => render(url)));
      return;
    }
    if (current !== url) return; // another page was asked for meanwhile
  }
  const context = { params: found ? found.params : {}, query: url.searchParams, session, navigate, homeFor };
  main.replaceChildren(view.render(context));
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

session
  .load()
  .catch((error) => toast(error.message, "error"))
  .finally(() => {
    session.onChange(() => {
      cart.refresh(session.viewer);
      render(current);
    });
    cart.refresh(session.viewer);
    startRouter(render);
  });
