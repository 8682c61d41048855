// Who is logged in. The session itself is an HttpOnly cookie the server sets at login;
// this module only knows the viewer and tells listeners when it changes.
import { graphql, mutate } from "./api.js";

const VIEWER = `{ viewer { id email name role account { id name currency } } currencies }`;
const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(input: { email: $email, password: $password }) {
    viewer { id email name role account { id name currency } }
    userErrors { field message code }
  }
}`;
const CHANGE_PASSWORD = `mutation ChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) { ok userErrors { field message code } }
}`;
const LOGOUT = `mutation { logout { userErrors { message code } } }`;
const CURRENCY_KEY = "recur.currency";

const listeners = new Set();

export const session = {
  viewer: null,
  currencies: ["USD"],

  get isStaff() {
    return Boolean(this.viewer) && this.viewer.role !== "CUSTOMER";
  },

  /** The currency prices are shown in: the customer's account's, or the chosen one. */
  get currency() {
    const own = this.viewer?.account?.currency;
    if (own) return own;
    const chosen = localStorage.getItem(CURRENCY_KEY);
    if (this.currencies.includes(chosen)) return chosen;
    return this.currencies.includes("USD") ? "USD" : this.currencies[0];
  },

  /** Whether the visitor may pick the currency (customers see their account's). */
  get canChooseCurrency() {
    return !this.viewer?.account;
  },

  chooseCurrency(currency) {
    localStorage.setItem(CURRENCY_KEY, currency);
    notify();
  },

  async load() {
    const data = await graphql(VIEWER);
    this.viewer = data.viewer;
    this.currencies = data.currencies.length ? data.currencies : ["USD"];
    notify();
  },

  async login(email, password) {
    const payload = await mutate(LOGIN, { email, password }, "login");
    this.viewer = payload.viewer;
    notify();
    return this.viewer;
  },

  /** The viewer a mutation that logged in answered (sign-up, an invitation, a reset link). */
  adopt(viewer) {
    this.viewer = viewer;
    notify();
    return viewer;
  },

  /** Change the viewer's own password; the server ends their other sessions. */
  async changePassword(currentPassword, newPassword) {
    await mutate(CHANGE_PASSWORD, { input: { currentPassword, newPassword } }, "changePassword");
  },

  async logout() {
    await mutate(LOGOUT, {}, "logout");
    this.viewer = null;
    notify();
  },

  onChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

function notify() {
  for (const listener of listeners) listener(session);
}
