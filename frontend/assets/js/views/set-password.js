// /invite/:token and /reset/:token: a one-time link sets the password and logs the user in
// (docs/administration.md, "Users"). The token stays in the address only.
import { mutate } from "../api.js";
import { field, h, showFieldErrors } from "../ui.js";

const VIEWER = "viewer { id email name role account { id name currency } }";
const ACCEPT = `mutation AcceptInvite($input: SetPasswordInput!) {
  acceptInvite(input: $input) { ${VIEWER} userErrors { field message code } }
}`;
const RESET = `mutation ResetPassword($input: SetPasswordInput!) {
  resetPassword(input: $input) { ${VIEWER} userErrors { field message code } }
}`;
/** The password rules, as the server checks them. */
export const PASSWORD_HINT = "10 to 128 characters.";

export function render({ params, session, navigate, homeFor }) {
  const inviting = location.pathname.startsWith("/invite/");
  document.title = `${inviting ? "Accept your invitation" : "Set a new password"} · Recur`;
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password" });
  const fields = { password: field("New password", password, PASSWORD_HINT) };
  const alert = h("div", { class: "alert alert--error", role: "alert", hidden: true });
  const submit = h("button", { class: "button button--primary", type: "submit" }, "Set password and log in");

  async function onSubmit(event) {
    event.preventDefault();
    alert.hidden = true;
    submit.disabled = true;
    try {
      const [query, key] = inviting ? [ACCEPT, "acceptInvite"] : [RESET, "resetPassword"];
      const payload = await mutate(query, { input: { token: params.token, password: password.value } }, key);
      session.adopt(payload.viewer);
      navigate(homeFor(payload.viewer), { replace: true });
    } catch (error) {
      if (!showFieldErrors(error, fields)) {
        alert.textContent = error.message;
        alert.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  }

  queueMicrotask(() => password.focus());
  return h(
    "div",
    { class: "login card" },
    h(
      "div",
      { class: "card__body" },
      h(
        "form",
        { onsubmit: onSubmit, novalidate: true },
        h("div", {}, h("h1", {}, inviting ? "Welcome to Recur" : "Set a new password"), h("p", { class: "muted" }, inviting ? "Choose a password to finish setting up your login." : "Choose a new password; your other sessions end.")),
        alert,
        fields.password,
        submit,
      ),
    ),
  );
}
