// Log in with email and password. The server answers with an HttpOnly session cookie.
import { field, h } from "../ui.js";

export function render({ session, navigate, query, homeFor }) {
  document.title = "Log in · Recur";
  if (session.viewer) {
    queueMicrotask(() => navigate(homeFor(session.viewer), { replace: true }));
    return h("div");
  }
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const alert = h("div", { class: "alert alert--error", role: "alert", hidden: true });
  const submit = h("button", { class: "button button--primary", type: "submit" }, "Log in");

  async function onSubmit(event) {
    event.preventDefault();
    alert.hidden = true;
    submit.disabled = true;
    submit.textContent = "Logging in…";
    try {
      const viewer = await session.login(email.value, password.value);
      const next = query.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : homeFor(viewer), { replace: true });
    } catch (error) {
      alert.textContent = error.message;
      alert.hidden = false;
      password.select();
    } finally {
      submit.disabled = false;
      submit.textContent = "Log in";
    }
  }

  queueMicrotask(() => email.focus());
  return h(
    "div",
    { class: "login card" },
    h(
      "div",
      { class: "card__body" },
      h(
        "form",
        { onsubmit: onSubmit, novalidate: false },
        h("div", {}, h("h1", {}, "Log in to Recur"), h("p", { class: "muted" }, "Customers and staff use the same login.")),
        alert,
        field("Email", email),
        field("Password", password),
        submit,
      ),
      h(
        "p",
        { class: "demo-users" },
        "Demo: alice@acme.example (customer), rita@recur.example (sales rep) — password recur-demo.",
      ),
    ),
  );
}
