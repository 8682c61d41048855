// /signup: a business signs itself up — a new account and its first user, logged in at once
// and ready to check out (docs/administration.md, "Sign-up").
import { mutate } from "../api.js";
import { field, h, select, showFieldErrors } from "../ui.js";
import { PASSWORD_HINT } from "./set-password.js";

const SIGN_UP = `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { viewer { id email name role account { id name currency } } userErrors { field message code } }
}`;

export function render({ session, navigate, homeFor }) {
  document.title = "Sign up · Recur";
  if (session.viewer) {
    queueMicrotask(() => navigate(homeFor(session.viewer), { replace: true }));
    return h("div");
  }
  const controls = {
    companyName: h("input", { name: "companyName", autocomplete: "organization", required: true }),
    name: h("input", { name: "name", autocomplete: "name", required: true }),
    email: h("input", { name: "email", type: "email", autocomplete: "email", required: true }),
    password: h("input", { name: "password", type: "password", autocomplete: "new-password", required: true }),
    currency: select(session.currencies.map((c) => [c, c]), session.currency, { name: "currency" }),
    country: h("input", { name: "country", autocomplete: "country", required: true, maxlength: 2, placeholder: "US" }),
  };
  const fields = {
    companyName: field("Company (legal name)", controls.companyName),
    name: field("Your name", controls.name),
    email: field("Work email", controls.email),
    password: field("Password", controls.password, PASSWORD_HINT),
    currency: field("Billing currency", controls.currency),
    country: field("Country", controls.country, "ISO code, e.g. US or DE."),
  };
  const alert = h("div", { class: "alert alert--error", role: "alert", hidden: true });
  const submit = h("button", { class: "button button--primary", type: "submit" }, "Create account");

  async function onSubmit(event) {
    event.preventDefault();
    alert.hidden = true;
    submit.disabled = true;
    const input = Object.fromEntries(Object.entries(controls).map(([key, control]) => [key, key === "password" ? control.value : control.value.trim()]));
    try {
      const payload = await mutate(SIGN_UP, { input }, "signUp");
      session.adopt(payload.viewer);
      navigate("/products", { replace: true });
    } catch (error) {
      if (!showFieldErrors(error, fields)) {
        alert.textContent = error.message;
        alert.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  }

  queueMicrotask(() => controls.companyName.focus());
  return h(
    "div",
    { class: "login card" },
    h(
      "div",
      { class: "card__body" },
      h(
        "form",
        { onsubmit: onSubmit, novalidate: true },
        h("div", {}, h("h1", {}, "Sign up for Recur"), h("p", { class: "muted" }, "Buy for your business: your account is ready at once.")),
        alert,
        Object.values(fields),
        submit,
      ),
      h("p", {}, "Already have a login? ", h("a", { href: "/login" }, "Log in")),
    ),
  );
}
