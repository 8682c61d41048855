// Admin: the audit log, newest first — who changed what, when, and the fields before and after.
import { graphql } from "../api.js";
import { emptyState, formatDateTime, h, pageHead, pagedList, table } from "../ui.js";
import { adminNav } from "./admin.js";

const LOG = `query AuditLog($after: String) {
  auditLog(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id occurredAt actorName action subjectType summary before after } }
  }
}`;

export function render({ session }) {
  document.title = "Audit log · Admin · Recur";
  const list = pagedList({
    fetch: async (after) => {
      const { auditLog } = await graphql(LOG, { after });
      return { nodes: auditLog.edges.map((e) => e.node), pageInfo: auditLog.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "When", cell: (e) => formatDateTime(e.occurredAt) },
          { label: "Who", cell: (e) => e.actorName },
          { label: "What", cell: (e) => [h("strong", {}, e.summary), h("div", { class: "line-meta" }, e.action)] },
          { label: "Changes", cell: changes },
        ],
        rows,
        { caption: "Administrative changes, newest first", stack: true },
      ),
    empty: () => emptyState("Nothing recorded yet", "Changes to the catalog, accounts, users, partners and settings appear here, with who made them."),
  });
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Audit log", "Every administrative change: who, when, and what it was before and after."),
    adminNav("/admin/audit", session.viewer.role),
    list.element,
  );
}

/** The changed fields, each "before → after". */
function changes(entry) {
  const after = entry.after ?? {};
  const before = entry.before ?? {};
  const keys = Object.keys(after);
  if (!keys.length) return h("span", { class: "muted" }, "—");
  const shown = (value) => (value === null || value === undefined || value === "" ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value));
  return h(
    "dl",
    { class: "changes" },
    keys.flatMap((key) => [h("dt", {}, key), h("dd", {}, entry.before ? `${shown(before[key])} → ${shown(after[key])}` : shown(after[key]))]),
  );
}
