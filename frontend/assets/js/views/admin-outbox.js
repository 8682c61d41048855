// Admin: the Outbox — every email Recur writes, newest first: invoices, quotes, approvals,
// receipts, reminders, invitations. Opening one shows it as its recipient reads it: the HTML
// in a sandboxed frame (no scripts, no same origin), or the plain text.
import { graphql } from "../api.js";
import { badge, detailList, emptyState, errorState, formatDateTime, h, loading, pageHead, pagedList, path, table } from "../ui.js";
import { adminNav } from "./admin.js";

const OUTBOX = `query Outbox($after: String, $status: MailStatus) {
  mailMessages(first: 50, after: $after, status: $status) {
    pageInfo { hasNextPage endCursor }
    edges { node { id kind to subject status createdAt sentAt attachment } }
  }
}`;
const MESSAGE = `query MailMessage($id: ID!) {
  mailMessage(id: $id) { id kind to subject status attempts error attachment createdAt sentAt text html }
}`;

const STATUS = {
  PENDING: ["Waiting", "info"],
  SENT: ["Sent", "ok"],
  KEPT: ["Kept, not sent", ""],
  FAILED: ["Failed", "danger"],
};

const KINDS = {
  invoice_issued: "Invoice",
  invoice_reminder: "Invoice reminder",
  quote_sent: "Quote sent",
  quote_approval_requested: "Approval requested",
  quote_approved: "Quote approved",
  quote_rejected: "Quote rejected",
  payment_receipt: "Payment receipt",
  payment_failed: "Payment failed",
  user_invite: "Invitation",
  password_reset: "Password reset",
};

function mailStatus(status) {
  const [text, tone] = STATUS[status] || [status, ""];
  return badge(text, tone);
}

export function render({ session }) {
  document.title = "Outbox · Admin · Recur";
  const filter = h(
    "select",
    { id: "outbox-status", onchange: () => list.reload() },
    h("option", { value: "" }, "All emails"),
    Object.entries(STATUS).map(([value, [label]]) => h("option", { value }, label)),
  );
  const list = pagedList({
    fetch: async (after) => {
      const { mailMessages } = await graphql(OUTBOX, { after, status: filter.value || null });
      return { nodes: mailMessages.edges.map((e) => e.node), pageInfo: mailMessages.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "Created", cell: (m) => formatDateTime(m.createdAt) },
          { label: "To", cell: (m) => h("span", { class: "outbox__to" }, m.to.join(", ")) },
          {
            label: "Subject",
            cell: (m) => [h("a", { href: path("/admin/outbox", m.id) }, h("strong", {}, m.subject)), h("div", { class: "line-meta" }, KINDS[m.kind] ?? m.kind, m.attachment ? ` · ${m.attachment}` : "")],
          },
          { label: "Status", cell: (m) => mailStatus(m.status) },
        ],
        rows,
        { caption: "Emails, newest first", stack: true },
      ),
    empty: () => emptyState("No emails yet", "Invoices, quotes, receipts, reminders and invitations appear here as Recur writes them."),
  });
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead(
      "Outbox",
      "Every email Recur writes, newest first. Without a mail server configured, emails are kept here instead of sent.",
      h("label", { class: "inline-select" }, h("span", {}, "Show"), filter),
    ),
    adminNav("/admin/outbox", session.viewer.role),
    list.element,
  );
}

/** One email, as its recipient reads it. */
export function renderMessage({ params, session }) {
  document.title = "Email · Outbox · Admin · Recur";
  const body = h("div", {}, loading("Loading the email", 2));
  async function load() {
    try {
      const { mailMessage } = await graphql(MESSAGE, { id: params.id });
      body.replaceChildren(mailMessage ? message(mailMessage) : emptyState("No such email", "It may be another page's link.", h("a", { href: "/admin/outbox" }, "Back to the Outbox")));
      if (mailMessage) document.title = `${mailMessage.subject} · Outbox · Recur`;
    } catch (error) {
      body.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Outbox", h("a", { href: "/admin/outbox" }, "← All emails")),
    adminNav("/admin/outbox", session.viewer.role),
    body,
  );
}

function message(mail) {
  const frame = h("iframe", {
    class: "outbox__frame",
    title: `The email “${mail.subject}”`,
    sandbox: "",
    referrerpolicy: "no-referrer",
    srcdoc: mail.html,
  });
  const text = h("pre", { class: "outbox__text" }, mail.text);
  const views = { html: frame, text };
  const shown = h("div", { class: "outbox__view" }, frame);
  const buttons = [
    ["html", "Formatted"],
    ["text", "Plain text"],
  ].map(([name, label]) =>
    h("button", { type: "button", class: "segmented__option", "aria-pressed": String(name === "html"), "data-view": name, onclick: (event) => choose(event.currentTarget) }, label),
  );
  function choose(button) {
    for (const other of buttons) other.setAttribute("aria-pressed", String(other === button));
    shown.replaceChildren(views[button.dataset.view]);
  }
  return h(
    "div",
    { class: "card" },
    h(
      "div",
      { class: "card__body stack" },
      h("h2", { class: "outbox__subject" }, mail.subject),
      detailList([
        ["To", mail.to.join(", ")],
        ["Status", mailStatus(mail.status)],
        ["Email", KINDS[mail.kind] ?? mail.kind],
        ["Created", formatDateTime(mail.createdAt)],
        ["Sent", mail.sentAt ? formatDateTime(mail.sentAt) : null],
        ["Attached", mail.attachment],
        ["Attempts", mail.attempts ? String(mail.attempts) : null],
        ["Last error", mail.error || null],
      ]),
      h("div", { class: "segmented", role: "group", "aria-label": "Show the email" }, buttons),
    ),
    h("div", { class: "card__section" }, shown),
  );
}
