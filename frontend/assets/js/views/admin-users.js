// Admin: users — invite (the one-time link shown once, to copy), change roles, deactivate with
// confirmation, and make password reset links (docs/administration.md, "Users").
import { graphql, mutate } from "../api.js";
import { badge, confirmDialog, debounce, emptyState, field, formDialog, h, pageHead, pagedList, select, showFieldErrors, table, toast } from "../ui.js";
import { adminNav } from "./admin.js";

const USER = "id name email role active hasPassword account { id name }";
const USERS = `query Users($after: String, $search: String, $role: Role) {
  users(first: 50, after: $after, search: $search, role: $role) {
    pageInfo { hasNextPage endCursor }
    edges { node { ${USER} } }
  }
}`;
const ACCOUNTS = `query InviteAccounts { accounts(first: 100) { edges { node { id name } } } }`;
const INVITE = `mutation InviteUser($input: InviteUserInput!) {
  inviteUser(input: $input) { user { ${USER} } inviteUrl userErrors { field message code } }
}`;
const UPDATE = `mutation UpdateUser($input: UpdateUserInput!) {
  updateUser(input: $input) { user { ${USER} } userErrors { field message code } }
}`;
const RESET = `mutation CreatePasswordReset($input: CreatePasswordResetInput!) {
  createPasswordReset(input: $input) { resetUrl userErrors { field message code } }
}`;
const STAFF_ROLES = [["REP", "Sales rep"], ["MANAGER", "Sales manager"], ["FINANCE", "Finance"], ["ADMIN", "Administrator"]];
const ROLES = [["CUSTOMER", "Customer"], ...STAFF_ROLES];

export function render({ session }) {
  document.title = "Users · Admin · Recur";
  const search = h("input", { type: "search", placeholder: "Name or email", autocomplete: "off" });
  const roleFilter = select([["", "All roles"], ...ROLES], "", { name: "role" });
  const me = session.viewer.id;
  const list = pagedList({
    fetch: async (after) => {
      const { users } = await graphql(USERS, { after, search: search.value.trim() || null, role: roleFilter.value || null });
      return { nodes: users.edges.map((e) => e.node), pageInfo: users.pageInfo };
    },
    view: (rows) =>
      table(
        [
          { label: "User", cell: (u) => [h("strong", {}, u.name), h("div", { class: "line-meta" }, u.email)] },
          { label: "Role", cell: (u) => roleCell(u) },
          { label: "Account", cell: (u) => u.account?.name ?? h("span", { class: "muted" }, "Staff") },
          { label: "Status", cell: (u) => (!u.active ? badge("Deactivated", "danger") : u.hasPassword ? badge("Active", "ok") : badge("Invited", "info")) },
          { label: "", cell: (u) => actions(u) },
        ],
        rows,
        { caption: "Users", stack: true },
      ),
    empty: () => emptyState("No users match", "Try another name, email or role."),
  });

  function roleCell(user) {
    // Customers stay customers, and nobody changes their own role.
    if (user.id === me || user.role === "CUSTOMER") return ROLES.find(([r]) => r === user.role)?.[1] ?? user.role;
    const control = select(STAFF_ROLES, user.role, { "aria-label": `Role of ${user.name}` });
    control.addEventListener("change", async () => {
      try {
        await mutate(UPDATE, { input: { userId: user.id, role: control.value } }, "updateUser");
        toast(`${user.name} is now ${control.selectedOptions[0].textContent}.`);
      } catch (error) {
        control.value = user.role;
        toast(error.message, "error");
      }
    });
    return control;
  }

  function actions(user) {
    if (user.id === me) return null;
    const toggle = user.active
      ? h("button", { class: "button", type: "button", "aria-label": `Deactivate ${user.name}`, onclick: () => setActive(user, false) }, "Deactivate")
      : h("button", { class: "button", type: "button", "aria-label": `Reactivate ${user.name}`, onclick: () => setActive(user, true) }, "Reactivate");
    const reset = user.active ? h("button", { class: "button", type: "button", "aria-label": `Reset link for ${user.name}`, onclick: () => resetLink(user) }, "Reset link") : null;
    return h("div", { class: "actions" }, toggle, reset);
  }

  async function setActive(user, active) {
    if (!active) {
      const ok = await confirmDialog({
        title: `Deactivate ${user.name}?`,
        body: "They are logged out at once and cannot log in until reactivated.",
        confirm: "Deactivate",
      });
      if (!ok) return;
    }
    try {
      await mutate(UPDATE, { input: { userId: user.id, active } }, "updateUser");
      toast(active ? `${user.name} is active again.` : `${user.name} is deactivated.`);
      list.reload();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function resetLink(user) {
    try {
      const { resetUrl } = await mutate(RESET, { input: { userId: user.id } }, "createPasswordReset");
      await showLink(`Password reset link for ${user.name}`, "Send this link to them; it works once, for 24 hours.", resetUrl);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function invite() {
    const invited = await inviteDialog();
    if (!invited) return;
    list.reload();
    await showLink(`Invitation for ${invited.user.name}`, "Send this link to them; it works once, for 7 days. It is shown only now.", invited.inviteUrl);
  }

  search.addEventListener("input", debounce(() => list.reload(), 250));
  roleFilter.addEventListener("change", () => list.reload());
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Users", "Invite people, change their roles, deactivate them, or give them a new password link.", h("button", { class: "button button--primary", type: "button", onclick: invite }, "Invite user")),
    adminNav("/admin/users", session.viewer.role),
    h("div", { class: "toolbar", role: "search" }, field("Search users", search), field("Role", roleFilter)),
    list.element,
  );
}

/** The invitation form; resolves with the mutation's payload, or null when dismissed. */
async function inviteDialog() {
  const { accounts } = await graphql(ACCOUNTS);
  const controls = {
    name: h("input", { name: "name", autocomplete: "off", required: true }),
    email: h("input", { name: "email", type: "email", autocomplete: "off", required: true }),
    role: select(ROLES, "REP", { name: "role" }),
    accountId: select([["", "—"], ...accounts.edges.map((e) => [e.node.id, e.node.name])], "", { name: "accountId" }),
  };
  const fields = {
    name: field("Name", controls.name),
    email: field("Email", controls.email),
    role: field("Role", controls.role),
    accountId: field("Account", controls.accountId, "Customers only: the account they buy for."),
  };
  return formDialog({
    title: "Invite a user",
    intro: "They get a one-time link to set their password.",
    fields: Object.values(fields),
    confirm: "Invite",
    onSubmit: async () => {
      const input = {
        name: controls.name.value.trim(),
        email: controls.email.value.trim(),
        role: controls.role.value,
        accountId: controls.accountId.value || null,
      };
      try {
        const payload = await mutate(INVITE, { input }, "inviteUser");
        showFieldErrors(null, fields);
        return payload;
      } catch (error) {
        error.shownInFields = showFieldErrors(error, fields);
        throw error;
      }
    },
  });
}

/** A one-time link in a dialog, selected, with a button that copies it. */
function showLink(title, text, url) {
  const link = h("input", { readonly: true, value: url, name: "link" });
  const copy = h("button", { class: "button", type: "button" }, "Copy link");
  copy.addEventListener("click", async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(url);
      toast("Link copied.");
    } catch {
      toast("Select the link and copy it.", "error");
    }
  });
  queueMicrotask(() => link.select());
  return formDialog({ title, intro: text, fields: [field("One-time link", link), copy], confirm: "Done", onSubmit: async () => true });
}
