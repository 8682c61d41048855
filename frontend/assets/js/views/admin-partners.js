// Admin: partners, the accounts each one sees, and the API credentials its systems use.
// A client's secret is shown once, when issued or rotated: only its hash is kept.
import { graphql, mutate } from "../api.js";
import { badge, confirmDialog, emptyState, field, formDialog, formatDateTime, h, pageHead, pagedList, recheckOnInput, select, table, toast } from "../ui.js";
import { adminNav, attempt, showSecret, submitting } from "./admin.js";

const PARTNERS = `query Partners($after: String) {
  partners(first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id name accounts { id name } clients { clientId scopes active createdAt } } }
  }
  partnerScopes { name description }
}`;
const ACCOUNTS = `query LinkableAccounts { accounts(first: 100) { edges { node { id name } } } }`;
const CREATE = `mutation CreatePartner($name: String!) {
  createPartner(input: { name: $name }) { partner { id name } userErrors { field message code } } }`;
const LINK = `mutation SetAccountPartner($account: ID!, $partner: ID) {
  setAccountPartner(input: { accountId: $account, partnerId: $partner }) { account { name } userErrors { field message code } } }`;
const ISSUE = `mutation CreatePartnerClient($partner: ID!, $scopes: [String!]!) {
  createPartnerClient(input: { partnerId: $partner, scopes: $scopes }) { client { clientId scopes } clientSecret userErrors { field message code } } }`;
const ROTATE = `mutation RotatePartnerClientSecret($client: String!) {
  rotatePartnerClientSecret(input: { clientId: $client }) { client { clientId scopes } clientSecret userErrors { field message code } } }`;
const REVOKE = `mutation RevokePartnerClient($client: String!) {
  revokePartnerClient(input: { clientId: $client }) { client { clientId active } userErrors { field message code } } }`;

export function render({ session }) {
  document.title = "Partners · Admin · Recur";
  let scopes = [];
  const list = pagedList({
    fetch: async (after) => {
      const data = await graphql(PARTNERS, { after });
      scopes = data.partnerScopes;
      return { nodes: data.partners.edges.map((e) => e.node), pageInfo: data.partners.pageInfo };
    },
    view: (partners) => h("div", { class: "stack-lg" }, partners.map((p) => partnerCard(p, () => scopes, list.reload))),
    empty: () => emptyState("No partners yet", "Add a reseller or integrator, link the accounts it serves, then issue it API credentials."),
    card: false,
  });
  const add = h("button", { class: "button button--primary", type: "button", onclick: () => createPartner(list.reload) }, "New partner");
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Partners", "Resellers and integrators: each one's API clients see exactly the accounts linked to it.", h("div", { class: "actions" }, add)),
    adminNav("/admin/partners", session.viewer.role),
    list.element,
  );
}

function partnerCard(partner, scopes, reload) {
  const accounts = partner.accounts.length
    ? table(
        [
          { label: "Account", cell: (a) => h("a", { href: `/accounts/${encodeURIComponent(a.id)}` }, a.name) },
          { label: "Actions", hideLabel: true, cell: (a) => h("button", { class: "button button--small", type: "button", onclick: () => unlink(partner, a, reload) }, "Unlink") },
        ],
        partner.accounts,
        { caption: `Accounts linked to ${partner.name}`, stack: true },
      )
    : h("p", { class: "card__body muted" }, "No accounts linked: its clients see nothing yet.");
  const clients = partner.clients.length
    ? table(
        [
          { label: "Client ID", cell: (c) => h("code", {}, c.clientId) },
          { label: "Scopes", cell: (c) => h("span", { class: "actions" }, c.scopes.map((s) => badge(s, "info"))) },
          { label: "Status", cell: (c) => (c.active ? badge("Active", "ok") : badge("Revoked", "danger")) },
          { label: "Issued", cell: (c) => formatDateTime(c.createdAt) },
          { label: "Actions", hideLabel: true, cell: (c) => (c.active ? clientActions(partner, c, reload) : h("span", { class: "muted" }, "—")) },
        ],
        partner.clients,
        { caption: `API clients of ${partner.name}`, stack: true },
      )
    : h("p", { class: "card__body muted" }, "No API credentials issued.");
  return h(
    "article",
    { class: "card", "aria-label": partner.name, dataset: { partner: partner.name } },
    h("div", { class: "card__body card__body--head" }, h("h2", {}, partner.name)),
    h(
      "div",
      { class: "card__section" },
      h("div", { class: "card__body card__body--head" }, h("h3", {}, "Accounts"), h("div", { class: "actions" }, h("button", { class: "button", type: "button", onclick: () => linkAccount(partner, reload) }, "Link account"))),
      accounts,
    ),
    h(
      "div",
      { class: "card__section" },
      h("div", { class: "card__body card__body--head" }, h("h3", {}, "API clients"), h("div", { class: "actions" }, h("button", { class: "button", type: "button", onclick: () => issueCredentials(partner, scopes(), reload) }, "Issue credentials"))),
      clients,
    ),
  );
}

function clientActions(partner, client, reload) {
  return h(
    "span",
    { class: "actions" },
    h("button", { class: "button button--small", type: "button", onclick: () => rotate(partner, client, reload) }, "Rotate secret"),
    h("button", { class: "button button--small button--danger", type: "button", onclick: () => revoke(client, reload) }, "Revoke"),
  );
}

async function createPartner(reload) {
  const input = h("input", { type: "text", name: "name", maxlength: 200, autocomplete: "off", required: true });
  const fields = { name: field("Name", input, "Unique; at most 200 characters.") };
  recheckOnInput(fields.name, (value) => (value ? null : "Enter the partner's name."));
  const created = await formDialog({
    title: "New partner",
    fields: [fields.name],
    confirm: "Create partner",
    onSubmit: () => submitting(fields, () => mutate(CREATE, { name: input.value }, "createPartner")),
  });
  if (!created) return;
  toast(`${created.partner.name} added. Link its accounts, then issue it credentials.`);
  reload();
}

async function linkAccount(partner, reload) {
  const { accounts } = await graphql(ACCOUNTS);
  const linked = new Set(partner.accounts.map((a) => a.id));
  const choices = accounts.edges.map((e) => e.node).filter((a) => !linked.has(a.id));
  const control = select(choices.map((a) => [a.id, a.name]), choices[0]?.id, { name: "accountId" });
  const fields = { accountId: field("Account", control, "An account has at most one partner: linking moves it from another.") };
  const saved = await formDialog({
    title: `Link an account to ${partner.name}`,
    fields: [fields.accountId],
    confirm: "Link account",
    onSubmit: () => submitting(fields, () => mutate(LINK, { account: control.value, partner: partner.id }, "setAccountPartner")),
  });
  if (!saved) return;
  toast(`${saved.account.name} is linked to ${partner.name}.`);
  reload();
}

async function unlink(partner, account, reload) {
  const sure = await confirmDialog({
    title: `Unlink ${account.name}?`,
    body: `${partner.name}'s API clients stop seeing ${account.name} at once.`,
    confirm: "Unlink",
  });
  if (!sure) return;
  await attempt(() => mutate(LINK, { account: account.id, partner: null }, "setAccountPartner"), `${account.name} is no longer linked to ${partner.name}.`);
  reload();
}

async function issueCredentials(partner, scopes, reload) {
  const boxes = scopes.map((scope) => h("input", { type: "checkbox", name: "scopes", value: scope.name, checked: scope.name === "read" }));
  const group = h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, "Scopes"),
    scopes.map((scope, i) => h("label", { class: "choice" }, boxes[i], h("span", {}, h("strong", {}, scope.name), h("span", { class: "muted" }, scope.description)))),
  );
  const error = h("p", { class: "field__error", hidden: true });
  group.append(error);
  group.showError = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
  };
  const issued = await formDialog({
    title: `Issue credentials to ${partner.name}`,
    intro: "The client authenticates at POST /oauth/token with its ID and secret (OAuth2 client credentials).",
    fields: [group],
    confirm: "Issue credentials",
    onSubmit: () => submitting({ scopes: group }, () => mutate(ISSUE, { partner: partner.id, scopes: boxes.filter((b) => b.checked).map((b) => b.value) }, "createPartnerClient")),
  });
  if (!issued) return;
  await clientSecret(issued, `Credentials for ${partner.name}`);
  reload();
}

async function rotate(partner, client, reload) {
  const sure = await confirmDialog({
    title: `Rotate the secret of ${client.clientId}?`,
    body: `A new secret is shown once; the current one stops working at once, so ${partner.name} must switch to the new one. Tokens already issued run out within the hour.`,
    confirm: "Rotate secret",
  });
  if (!sure) return;
  const rotated = await attempt(() => mutate(ROTATE, { client: client.clientId }, "rotatePartnerClientSecret"));
  if (rotated) await clientSecret(rotated, `New secret for ${client.clientId}`);
  reload();
}

async function revoke(client, reload) {
  const sure = await confirmDialog({
    title: `Revoke ${client.clientId}?`,
    body: "The client gets no new tokens and the ones it holds stop working at once. This cannot be undone: issue new credentials instead.",
    confirm: "Revoke client",
  });
  if (!sure) return;
  await attempt(() => mutate(REVOKE, { client: client.clientId }, "revokePartnerClient"), `${client.clientId} is revoked.`);
  reload();
}

/** A partner client's secret, shown once. */
function clientSecret({ client, clientSecret: value }, title) {
  return showSecret({
    title,
    warning: "Copy the secret now: it is shown only this once. Recur keeps only a hash and cannot show it again.",
    facts: [["Client ID", client.clientId]],
    label: "Client secret",
    value,
    note: `Scopes: ${client.scopes.join(", ")}.`,
  });
}
