// Admin: webhook endpoints, the events each hears, and the log of its deliveries with their
// answers; redeliver an event, switch back on an endpoint disabled after failing. The
// signing secret is shown once, when the endpoint is added (docs/integrations.md).
import { graphql, mutate } from "../api.js";
import { badge, confirmDialog, emptyState, errorState, field, formDialog, formatDateTime, h, loading, pageHead, recheckOnInput, table } from "../ui.js";
import { adminNav, attempt, showSecret, submitting } from "./admin.js";

const ENDPOINTS = `query WebhookEndpoints {
  webhookEndpoints { id url eventTypes enabled disabledReason partnerOwned createdAt
    deliveries(first: 10) { id eventId eventType status responseCode attempts error createdAt lastAttemptAt nextAttemptAt } }
  eventTypes { name description }
}`;
const TYPES = `query EventTypes { eventTypes { name description } }`;
const CREATE = `mutation CreateWebhookEndpoint($url: String!, $types: [String!]!) {
  createWebhookEndpoint(input: { url: $url, eventTypes: $types }) { endpoint { id url } secret userErrors { field message code } } }`;
const DELETE = `mutation DeleteWebhookEndpoint($id: ID!) {
  deleteWebhookEndpoint(input: { endpointId: $id }) { userErrors { field message code } } }`;
const ENABLE = `mutation EnableWebhookEndpoint($id: ID!) {
  enableWebhookEndpoint(input: { endpointId: $id }) { endpoint { id enabled } userErrors { field message code } } }`;
const REDELIVER = `mutation RedeliverWebhook($id: ID!) {
  redeliverWebhook(input: { deliveryId: $id }) { delivery { id status } userErrors { field message code } } }`;

export function render({ session }) {
  document.title = "Webhooks · Admin · Recur";
  const body = h("div", { class: "stack-lg" }, loading("Loading webhook endpoints"));
  let types = [];
  const reload = async () => {
    try {
      const data = await graphql(ENDPOINTS);
      types = data.eventTypes;
      body.replaceChildren(
        ...(data.webhookEndpoints.length
          ? data.webhookEndpoints.map((e) => endpointCard(e, reload))
          : [h("div", { class: "card" }, emptyState("No webhook endpoints yet", "Add an HTTPS address and choose the events it hears: Recur posts each one, signed, and retries for three days until it answers 2xx."))]),
      );
    } catch (error) {
      body.replaceChildren(errorState(error, reload));
    }
  };
  reload();
  // The event types come with the list; asked for here when the list is still loading.
  const add = h("button", { class: "button button--primary", type: "button", onclick: async () => createEndpoint(types.length ? types : (await graphql(TYPES)).eventTypes, reload) }, "Add endpoint");
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Webhooks", "Addresses Recur tells when something happens: each delivery signed, logged and retried until it succeeds.", h("div", { class: "actions" }, add)),
    adminNav("/admin/webhooks", session.viewer.role),
    body,
  );
}

const TONES = { SUCCEEDED: "ok", PENDING: "warn", FAILED: "danger" };
const WORDS = { SUCCEEDED: "Delivered", PENDING: "Retrying", FAILED: "Failed" };

function endpointCard(endpoint, reload) {
  const deliveries = endpoint.deliveries.length
    ? table(
        [
          { label: "Event", cell: (d) => [h("strong", {}, d.eventType), h("div", { class: "line-meta" }, h("code", {}, d.eventId))] },
          { label: "Status", cell: (d) => badge(d.status === "PENDING" && d.attempts === 0 ? "Queued" : WORDS[d.status] ?? d.status, TONES[d.status] ?? "") },
          { label: "Answer", cell: (d) => (d.responseCode ? h("code", {}, String(d.responseCode)) : h("span", { class: "muted" }, d.error || "—")) },
          { label: "Attempts", cell: (d) => String(d.attempts) },
          { label: "When", cell: (d) => [formatDateTime(d.lastAttemptAt ?? d.createdAt), d.nextAttemptAt && d.attempts ? h("div", { class: "line-meta" }, `next try ${formatDateTime(d.nextAttemptAt)}`) : null] },
          { label: "Actions", hideLabel: true, cell: (d) => (endpoint.enabled ? h("button", { class: "button button--small", type: "button", onclick: () => redeliver(d, reload) }, "Redeliver") : h("span", { class: "muted" }, "—")) },
        ],
        endpoint.deliveries,
        { caption: `Latest deliveries to ${endpoint.url}`, stack: true },
      )
    : h("p", { class: "card__body muted" }, "Nothing delivered yet: deliveries appear here as events happen.");
  const status = endpoint.enabled ? badge("Enabled", "ok") : badge("Disabled", "danger");
  const actions = h(
    "div",
    { class: "actions" },
    endpoint.enabled ? null : h("button", { class: "button", type: "button", onclick: () => enable(endpoint, reload) }, "Enable"),
    h("button", { class: "button button--danger", type: "button", onclick: () => remove(endpoint, reload) }, "Delete"),
  );
  return h(
    "article",
    { class: "card", "aria-label": endpoint.url, dataset: { endpoint: endpoint.url } },
    h(
      "div",
      { class: "card__body endpoint-head" },
      h(
        "div",
        { class: "stack-sm" },
        h("h2", { class: "endpoint-url" }, endpoint.url),
        h("div", { class: "line-meta" }, status, " ", endpoint.partnerOwned ? badge("Partner's", "info") : null, ` Added ${formatDateTime(endpoint.createdAt)}`),
        h("div", { class: "actions" }, endpoint.eventTypes.map((t) => badge(t, "info"))),
      ),
      actions,
    ),
    endpoint.enabled ? null : h("div", { class: "card__body" }, h("div", { class: "alert alert--error", role: "alert" }, endpoint.disabledReason || "Disabled.")),
    h("div", { class: "card__section" }, h("div", { class: "card__body card__body--head" }, h("h3", {}, "Deliveries")), deliveries),
  );
}

async function createEndpoint(types, reload) {
  const url = h("input", { type: "url", name: "url", maxlength: 2000, autocomplete: "off", required: true, placeholder: "https://example.com/recur-webhooks" });
  const fields = { url: field("URL", url, "HTTPS, on a public host.") };
  recheckOnInput(fields.url, (value) => (value ? null : "Enter the endpoint's URL."));
  const boxes = types.map((t) => h("input", { type: "checkbox", name: "eventTypes", value: t.name, checked: t.name.startsWith("invoice.") }));
  const group = h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, "Events"),
    types.map((t, i) => h("label", { class: "choice" }, boxes[i], h("span", {}, h("strong", {}, t.name), h("span", { class: "muted" }, t.description)))),
  );
  const error = h("p", { class: "field__error", hidden: true });
  group.append(error);
  group.showError = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
  };
  fields.eventTypes = group;
  const created = await formDialog({
    title: "Add a webhook endpoint",
    intro: "Recur posts each chosen event as JSON, signed with the endpoint's secret (the Recur-Signature header).",
    fields: [fields.url, group],
    confirm: "Add endpoint",
    onSubmit: () => submitting(fields, () => mutate(CREATE, { url: url.value, types: boxes.filter((b) => b.checked).map((b) => b.value) }, "createWebhookEndpoint")),
  });
  if (!created) return;
  await showSecret({
    title: "Signing secret",
    warning: "Copy the secret now: it is shown only this once. Your endpoint needs it to check that deliveries come from Recur.",
    facts: [["Endpoint", created.endpoint.url]],
    label: "Secret",
    value: created.secret,
  });
  reload();
}

async function remove(endpoint, reload) {
  const sure = await confirmDialog({ title: `Delete ${endpoint.url}?`, body: "Nothing more is sent to it, retries included. This cannot be undone.", confirm: "Delete endpoint" });
  if (!sure) return;
  await attempt(() => mutate(DELETE, { id: endpoint.id }, "deleteWebhookEndpoint"), "Endpoint deleted.");
  reload();
}

async function enable(endpoint, reload) {
  await attempt(() => mutate(ENABLE, { id: endpoint.id }, "enableWebhookEndpoint"), "Endpoint enabled: new events reach it again. Redeliver what it missed.");
  reload();
}

async function redeliver(delivery, reload) {
  await attempt(() => mutate(REDELIVER, { id: delivery.id }, "redeliverWebhook"), `${delivery.eventType} queued again.`);
  reload();
}



