// Admin: accounts — create and edit the legal name, currency, billing details, payment terms,
// owning rep and partner link (docs/administration.md, "Accounts"). Accounts without a rep come
// first to hand, with a "No rep" badge, for a manager to assign one.
import { graphql, mutate } from "../api.js";
import { badge, debounce, emptyState, field, formDialog, h, pageHead, pagedList, path, recheckOnInput, select, showFieldErrors, table, toast } from "../ui.js";
import { adminNav } from "./admin.js";

const FIELDS = `id name currency paymentTermsDays billingEmail taxId owner { id name } partner { id name }
  billingAddress { line1 line2 city postalCode region country }`;
const ACCOUNTS = `query AdminAccounts($after: String, $search: String, $unassigned: Boolean!) {
  accounts(first: 50, after: $after, search: $search, unassigned: $unassigned) {
    pageInfo { hasNextPage endCursor }
    edges { node { ${FIELDS} } }
  }
}`;
const CHOICES = `query AccountChoices { accountOwners { id name role } accountPartners { id name } currencies }`;
const CREATE = `mutation CreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { account { ${FIELDS} } userErrors { field message code } }
}`;
const UPDATE = `mutation UpdateAccount($input: UpdateAccountInput!) {
  updateAccount(input: $input) { account { ${FIELDS} } userErrors { field message code } }
}`;
const CURRENCIES = ["USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY"];

export function render({ session }) {
  document.title = "Accounts · Admin · Recur";
  const search = h("input", { type: "search", placeholder: "Account name", autocomplete: "off" });
  const onlyUnassigned = h("input", { type: "checkbox" });
  const list = pagedList({
    fetch: async (after) => {
      const { accounts } = await graphql(ACCOUNTS, { after, search: search.value.trim() || null, unassigned: onlyUnassigned.checked });
      return { nodes: accounts.edges.map((e) => e.node), pageInfo: accounts.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Account", cell: (a) => [h("a", { href: path("/accounts", a.id) }, h("strong", {}, a.name)), a.billingEmail ? h("div", { class: "line-meta" }, a.billingEmail) : null] },
          { label: "Currency", cell: (a) => a.currency },
          { label: "Terms", cell: (a) => `Net ${a.paymentTermsDays}` },
          { label: "Owner", cell: (a) => (a.owner ? a.owner.name : badge("No rep", "warn")) },
          { label: "Partner", cell: (a) => (a.partner ? a.partner.name : h("span", { class: "line-meta" }, "None")) },
          { label: "", cell: (a) => h("button", { class: "button", type: "button", "aria-label": `Edit ${a.name}`, onclick: () => edit(a) }, "Edit") },
        ],
        rows,
        { caption: "Accounts", stack: true },
      ),
    empty: () => emptyState("No accounts here", onlyUnassigned.checked ? "Every account has a rep." : "Create the first account."),
  });
  const reload = () => list.reload();

  async function edit(account) {
    const saved = await accountDialog(account);
    if (saved) {
      toast(`${saved.name} saved.`);
      reload();
    }
  }

  async function create() {
    const saved = await accountDialog(null);
    if (saved) {
      toast(`${saved.name} created.`);
      reload();
    }
  }

  search.addEventListener("input", debounce(reload, 250));
  onlyUnassigned.addEventListener("change", reload);
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Accounts", "Legal names, currencies, billing details, terms, owning reps and partners.", h("button", { class: "button button--primary", type: "button", onclick: create }, "New account")),
    adminNav("/admin/accounts", session.viewer.role),
    h(
      "div",
      { class: "toolbar", role: "search" },
      field("Search accounts", search),
      h("label", { class: "checkbox" }, onlyUnassigned, " Only accounts without a rep"),
    ),
    list.element,
  );
}

/** The create or edit form; resolves with the saved account, or null when dismissed. */
async function accountDialog(account) {
  const { accountOwners, accountPartners, currencies } = await graphql(CHOICES);
  const address = account?.billingAddress ?? {};
  const input = (name, value, attributes = {}) => h("input", { name, value: value ?? "", autocomplete: "off", ...attributes });
  const controls = {
    name: input("name", account?.name, { required: true, maxlength: 200 }),
    currency: select([...new Set([...currencies, ...CURRENCIES])].map((c) => [c, c]), account?.currency ?? "USD", { name: "currency" }),
    ownerId: select([["", "No rep"], ...accountOwners.map((u) => [u.id, u.name])], account?.owner?.id ?? "", { name: "ownerId" }),
    partnerId: select([["", "No partner"], ...accountPartners.map((p) => [p.id, p.name])], account?.partner?.id ?? "", { name: "partnerId" }),
    billingEmail: input("billingEmail", account?.billingEmail, { type: "email" }),
    line1: input("line1", address.line1),
    line2: input("line2", address.line2),
    city: input("city", address.city),
    postalCode: input("postalCode", address.postalCode),
    region: input("region", address.region),
    country: input("country", address.country, { maxlength: 2, placeholder: "DE" }),
    taxId: input("taxId", account?.taxId),
    paymentTermsDays: input("paymentTermsDays", account?.paymentTermsDays ?? 30, { type: "number", min: 0, max: 365 }),
  };
  const fields = {
    name: field("Legal name", controls.name),
    currency: field("Currency", controls.currency, account ? "Fixed once the account has quotes, invoices or payments." : null),
    ownerId: field("Owner (rep)", controls.ownerId),
    partnerId: field("Partner", controls.partnerId, "The reseller whose API clients see this account."),
    billingEmail: field("Billing email", controls.billingEmail),
    line1: field("Address line 1", controls.line1),
    line2: field("Address line 2", controls.line2),
    city: field("City", controls.city),
    postalCode: field("Postal code", controls.postalCode),
    region: field("Region", controls.region),
    country: field("Country", controls.country, "ISO code, e.g. DE or US."),
    taxId: field("Tax id", controls.taxId, "Checked for the country where its format is known."),
    paymentTermsDays: field("Payment terms (days)", controls.paymentTermsDays, "0 to 365."),
  };
  recheckOnInput(fields.name, (value) => (value ? null : "Enter a name."));
  return formDialog({
    title: account ? `Edit ${account.name}` : "New account",
    fields: Object.values(fields),
    confirm: account ? "Save" : "Create account",
    onSubmit: async () => {
      const value = (name) => controls[name].value.trim();
      const anyAddress = ["line1", "line2", "city", "postalCode", "region", "country"].some((name) => value(name));
      const input = {
        name: value("name"),
        currency: value("currency"),
        ownerId: value("ownerId") || null,
        partnerId: value("partnerId") || null,
        billingEmail: value("billingEmail"),
        billingAddress: anyAddress
          ? { line1: value("line1"), line2: value("line2"), city: value("city"), postalCode: value("postalCode"), region: value("region"), country: value("country") }
          : null,
        taxId: value("taxId"),
        paymentTermsDays: Number.parseInt(value("paymentTermsDays") || "0", 10),
      };
      try {
        const payload = account
          ? await mutate(UPDATE, { input: { accountId: account.id, ...input, billingAddress: input.billingAddress ?? undefined } }, "updateAccount")
          : await mutate(CREATE, { input }, "createAccount");
        showFieldErrors(null, fields);
        return payload.account;
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
}
