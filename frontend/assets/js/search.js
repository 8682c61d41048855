// The header's global search: accounts, quotes, orders, subscriptions and invoices by
// number or name. "/" focuses it from anywhere; arrows move through the results, Enter
// opens one, Escape closes them. docs/customer-360.md, "Search".
import { graphql } from "./api.js";
import { debounce, h } from "./ui.js";
import { navigate } from "./router.js";

const SEARCH = `query Search($query: String!) { search(query: $query, first: 8) {
  __typename id
  ... on Account { name }
  ... on Quote { number account { name } }
  ... on Order { number account { name } }
  ... on Subscription { number account { name } }
  ... on Invoice { number account { name } }
} }`;

const LABELS = { Account: "Account", Quote: "Quote", Order: "Order", Subscription: "Subscription", Invoice: "Invoice" };

function hrefOf(hit, staff) {
  const id = encodeURIComponent(hit.id);
  switch (hit.__typename) {
    case "Account": return staff ? `/accounts/${id}` : "/account";
    case "Quote": return `/quotes/${id}`;
    case "Order": return `/orders/${id}`;
    case "Subscription": return `/subscriptions/${id}`;
    default: return `/invoices/${id}`;
  }
}

/** The search box for a logged-in viewer. */
export function searchBox(viewer) {
  const staff = viewer.role !== "CUSTOMER";
  const input = h("input", {
    type: "search",
    placeholder: "Search  /",
    "aria-label": "Search accounts, quotes, orders, subscriptions and invoices",
    autocomplete: "off",
    role: "combobox",
    "aria-expanded": "false",
    "aria-controls": "search-results",
    "aria-autocomplete": "list",
  });
  const results = h("ul", { class: "search-results", id: "search-results", role: "listbox", hidden: true });
  let links = [];
  let active = -1;
  let asked = 0;

  const close = () => {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const show = (items) => {
    links = items;
    results.replaceChildren(...(items.length ? items.map((a) => h("li", { role: "presentation" }, a)) : [h("li", { class: "muted", style: "padding:var(--space-2) var(--space-3);font-size:var(--text-sm)" }, "Nothing found")]));
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  const highlight = (index) => {
    links.forEach((a, i) => a.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (links[index]) input.setAttribute("aria-activedescendant", links[index].id);
  };

  const run = debounce(async () => {
    const query = input.value.trim();
    const mine = ++asked;
    if (!query) return close();
    try {
      const data = await graphql(SEARCH, { query });
      if (mine !== asked) return;
      show(
        data.search.map((hit, i) =>
          h(
            "a",
            { href: hrefOf(hit, staff), role: "option", id: `search-hit-${i}`, "aria-selected": "false", onclick: () => { input.value = ""; close(); } },
            h("span", {}, hit.name || hit.number, hit.account ? h("span", { class: "search-results__type" }, ` · ${hit.account.name}`) : null),
            h("span", { class: "search-results__type" }, LABELS[hit.__typename] || hit.__typename),
          ),
        ),
      );
    } catch {
      if (mine === asked) close();
    }
  }, 200);

  input.addEventListener("input", run);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && links.length) { event.preventDefault(); highlight(Math.min(active + 1, links.length - 1)); }
    else if (event.key === "ArrowUp" && links.length) { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" && links.length) {
      event.preventDefault();
      const target = links[Math.max(active, 0)];
      input.value = "";
      close();
      navigate(target.getAttribute("href"));
    } else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return h("div", { class: "search-box", role: "search" }, input, results);
}

/** "/" focuses the search box, unless the viewer is typing somewhere. */
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  const box = document.querySelector(".search-box input");
  if (!box) return;
  event.preventDefault();
  box.focus();
});
