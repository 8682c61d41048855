// The app shell: header, navigation for the viewer's role, and the routed view.
import { h, select, toast } from "./ui.js";
import { match, navigate, route, startRouter } from "./router.js";
import { session } from "./session.js";
import * as catalog from "./views/catalog.js";
import * as product from "./views/product.js";
import * as login from "./views/login.js";
import * as account from "./views/account.js";
import * as accounts from "./views/accounts.js";
import * as notFound from "./views/not-found.js";

const STAFF = ["REP", "MANAGER", "FINANCE", "ADMIN"];

route("/", () => ({ redirect: "/products" }));
route("/products", () => ({ view: catalog }));
route("/products/:sku", () => ({ view: product }));
route("/login", () => ({ view: login }));
route("/account", () => ({ view: account, roles: ["CUSTOMER"] }));
route("/accounts", () => ({ view: accounts, roles: STAFF }));

/** The navigation each role sees; later screens join as they are built. */
function navItems(viewer) {
  const items = [["/products", "Catalog"]];
  if (!viewer) return items;
  if (viewer.role === "CUSTOMER") items.push(["/account", "Account"]);
  else items.push(["/accounts", "Accounts"]);
  return items;
}

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
      h("a", { href, "aria-current": current.pathname.startsWith(href) ? "page" : null }, label),
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
        currencySwitch,
        h(
          "div",
          { class: "session__who" },
          h("div", { class: "session__name" }, viewer.name),
          h("div", { class: "session__sub" }, viewer.account ? viewer.account.name : roleLabel(viewer.role)),
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
  header.replaceChildren(
    h(
      "div",
      { class: "topbar__inner" },
      h("a", { class: "brand", href: "/" }, h("img", { src: "/favicon.svg", alt: "" }), "Recur"),
      nav,
      right,
    ),
  );
}

function roleLabel(role) {
  const labels = { CUSTOMER: "Customer", REP: "Sales rep", MANAGER: "Sales manager", FINANCE: "Finance", ADMIN: "Administrator" };
  return labels[role] || role;
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

function render(url) {
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
  const context = { params: found ? found.params : {}, query: url.searchParams, session, navigate, homeFor };
  main.replaceChildren(target.view.render(context));
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

session
  .load()
  .catch((error) => toast(error.message, "error"))
  .finally(() => {
    session.onChange(() => render(current));
    startRouter(render);
  });
