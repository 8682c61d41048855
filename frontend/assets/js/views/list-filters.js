// The toolbar of the staff lists (quotes, subscriptions, invoices, orders): account, status,
// a date range and the order, kept in the page's address (?account=&status=&from=&to=&sort=)
// so a reload, the back button or a link from elsewhere shows the same list.
// docs/frontend.md, "Lists".
import { graphql } from "../api.js";
import { setQuery } from "../router.js";
import { debounce, emptyState, field, formatDate, h, select, statusLabel } from "../ui.js";

const ACCOUNTS = `query ListAccounts($search: String) {
  accounts(first: 20, search: $search) { edges { node { id name currency } } }
}`;
const ACCOUNT = `query ListAccount($id: ID!) { account(id: $id) { id name } }`;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The toolbar and the line that says which filters are on.
 * - `statuses`: the list's statuses (none: no Status field);
 * - `sorts`: [[value, label, words in the summary], …], the first the default;
 * - `noun`: what the list holds ("invoices");
 * - `dates`: what From and To filter by, in words ("issued", "starting");
 * - `accounts`: whether to offer the account picker (staff);
 * - `onChange()`: the filters changed (already in the address): reload the list.
 * Returns { element, summary, variables(), active(), describe(), empty(), clear(), … }.
 */
export function listFilters({ query, noun, statuses = null, sorts, dates, accounts = true, onChange }) {
  const state = {
    account: accounts ? query.get("account") || "" : "",
    accountName: "",
    status: statuses && statuses.includes(query.get("status")) ? query.get("status") : "",
    from: validDate(query.get("from")),
    to: validDate(query.get("to")),
    sort: sorts.some(([value]) => value === query.get("sort")) ? query.get("sort") : sorts[0][0],
  };

  const picker = accounts ? accountPicker(state, changed, () => refresh()) : null;
  const status = statuses ? select([["", "All statuses"], ...statuses.map((s) => [s, statusLabel(s)])], state.status) : null;
  const from = h("input", { type: "date", value: state.from });
  const to = h("input", { type: "date", value: state.to });
  const sort = select(sorts.map(([value, label]) => [value, label]), state.sort);
  const fromField = field("From", from);
  const toField = field("To", to);
  fromField.classList.add("field--date");
  toField.classList.add("field--date");
  const sortField = field("Sort", sort);
  sortField.classList.add("field--sort");
  const dateHint = `Dates are when they were ${dates}, both days included.`;
  from.title = dateHint;
  to.title = dateHint;

  status?.addEventListener("change", () => {
    state.status = status.value;
    changed();
  });
  for (const [input, key] of [[from, "from"], [to, "to"]]) {
    input.addEventListener("change", () => {
      state[key] = validDate(input.value);
      changed();
    });
  }
  sort.addEventListener("change", () => {
    state.sort = sort.value;
    changed();
  });

  const clearButton = h("button", { class: "button button--small", type: "button", onclick: () => api.clear() }, "Clear filters");
  const summaryText = h("span", { class: "list-summary__text" });
  const summary = h("div", { class: "list-summary", "aria-live": "polite" }, summaryText, clearButton);
  const element = h(
    "div",
    { class: "list-toolbar", role: "search", "aria-label": "Filters" },
    // From and To side by side, then Status and Sort: pairs that stay pairs on a phone.
    picker?.element,
    fromField,
    toField,
    status ? field("Status", status) : null,
    sortField,
  );

  /** Check the range; put the address in step; tell the list. */
  function changed() {
    const backwards = state.from && state.to && state.from > state.to;
    fromField.showError(backwards ? "From must be on or before To." : null);
    if (backwards) return;
    setQuery({
      account: state.account,
      status: state.status,
      from: state.from,
      to: state.to,
      sort: state.sort === sorts[0][0] ? "" : state.sort,
    });
    refresh();
    onChange();
  }

  function refresh() {
    const text = api.describe();
    summaryText.textContent = text ? `Showing ${text}` : "";
    clearButton.hidden = !api.active();
    summary.hidden = !text;
  }

  const api = {
    element,
    summary,
    /** The GraphQL variables of the list's query. */
    variables: () => ({
      accountId: state.account || null,
      status: state.status || null,
      from: state.from || null,
      to: state.to || null,
      orderBy: state.sort,
    }),
    /** Whether any filter (not the order) is set. */
    active: () => Boolean(state.account || state.status || state.from || state.to),
    /** What is shown, in words: "invoices for Acme Corp, issued …, largest total first". */
    describe: () => {
      const parts = [];
      if (state.account) parts.push(`for ${state.accountName || "one account"}`);
      if (state.status) parts.push(`with status ${statusLabel(state.status)}`);
      if (state.from && state.to) parts.push(`${dates} ${formatDate(state.from)} – ${formatDate(state.to)}`);
      else if (state.from) parts.push(`${dates} on or after ${formatDate(state.from)}`);
      else if (state.to) parts.push(`${dates} on or before ${formatDate(state.to)}`);
      const order = state.sort === sorts[0][0] ? null : sorts.find(([v]) => v === state.sort)[2];
      if (!parts.length && !order) return "";
      return [`${noun}${parts.length ? ` ${parts.join(", ")}` : ""}`, order].filter(Boolean).join(", ");
    },
    /** The list's empty state: which filters hide every row, or `fallback()` when none do. */
    empty: (fallback) =>
      api.active()
        ? emptyState(
            `No ${noun} match these filters`,
            `Showing ${api.describe()}.`,
            h("button", { class: "button", type: "button", onclick: () => api.clear() }, "Clear filters"),
          )
        : fallback(),
    /** The current filters as export parameters (accountId, status, from, to). */
    exportQuery: () =>
      new URLSearchParams(Object.entries({ accountId: state.account, status: state.status, from: state.from, to: state.to }).filter(([, v]) => v)).toString(),
    clear: () => {
      Object.assign(state, { account: "", accountName: "", status: "", from: "", to: "" });
      picker?.reset();
      if (status) status.value = "";
      from.value = "";
      to.value = "";
      changed();
      (picker?.input ?? status ?? from).focus();
    },
  };
  refresh();
  if (picker && state.account) picker.load();
  return api;
}

function validDate(value) {
  return value && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : "";
}

/** A search box with the accounts the viewer may see as suggestions (a datalist). */
function accountPicker(state, changed, named) {
  const listId = `accounts-${Math.random().toString(36).slice(2, 8)}`;
  const options = h("datalist", { id: listId });
  const input = h("input", { type: "search", list: listId, autocomplete: "off", placeholder: "All accounts", spellcheck: "false" });
  const element = field("Account", input);
  element.classList.add("field--account");
  element.append(options);
  let found = new Map(); // lower-cased name → account

  async function suggest(search) {
    try {
      const { accounts } = await graphql(ACCOUNTS, { search: search || null });
      found = new Map(accounts.edges.map((e) => [e.node.name.toLowerCase(), e.node]));
      options.replaceChildren(...accounts.edges.map((e) => h("option", { value: e.node.name }, e.node.currency)));
      return found;
    } catch {
      return found; // suggestions are a help: the list reports problems itself
    }
  }
  const suggestSoon = debounce((text) => suggest(text), 200);
  input.addEventListener("focus", () => {
    if (!options.children.length) suggest("");
  });
  input.addEventListener("input", () => {
    element.showError(null);
    suggestSoon(input.value.trim());
  });
  input.addEventListener("change", async () => {
    const text = input.value.trim();
    if (!text) {
      if (!state.account) return;
      Object.assign(state, { account: "", accountName: "" });
      return changed();
    }
    const account = found.get(text.toLowerCase()) ?? (await suggest(text)).get(text.toLowerCase());
    if (!account) {
      element.showError("Choose an account from the suggestions.");
      return;
    }
    element.showError(null);
    input.value = account.name;
    if (account.id === state.account) return;
    Object.assign(state, { account: account.id, accountName: account.name });
    changed();
  });

  return {
    element,
    input,
    show: (name) => {
      if (document.activeElement !== input) input.value = name;
    },
    reset: () => {
      input.value = "";
      element.showError(null);
    },
    /** The name of the account in the address, for the box and the summary. */
    load: async () => {
      const id = state.account;
      try {
        const { account } = await graphql(ACCOUNT, { id });
        if (state.account !== id) return;
        if (account) {
          state.accountName = account.name;
          input.value = account.name;
        } else {
          element.showError("This account is not one you may see.");
        }
      } catch {
        // The list below says what went wrong.
      }
      named();
    },
  };
}
