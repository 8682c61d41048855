// Log in with email and password. The server answers with an HttpOnly session cookie.
import { field, h } from "../ui.js";

/** Where to go after logging in: the page that asked for it, if it is one of ours. */
function destination(query, viewer, homeFor) {
  const next = query.get("next");
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login")
    ? next
    : homeFor(viewer);
}

export function render({ session, navigate, query, homeFor }) {
  document.title = "Log in · Recur";
  if (session.viewer) {
    // Logged in (just now, or already): the session change re-renders this route.
    queueMicrotask(() => navigate(destination(query, session.viewer, homeFor), { replace: true }));
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
      await session.login(email.value, password.value);
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
      h("p", {}, "New to Recur? ", h("a", { href: "/signup" }, "Sign up your business")),
      h(
        "p",
        { class: "demo-users" },
        "Demo: ",
        h("code", {}, "alice@acme.example"),
        " (customer), ",
        h("code", {}, "rita@recur.example"),
        " (sales rep); password ",
        h("code", {}, "recur-demo"),
        ".",
      ),
    ),
  );
}
