// The customer's cart as the header sees it: how many lines it has, kept current by the
// views that change it, and the one way to put a price in it.
import { graphql, mutate } from "./api.js";

const COUNT = `{ cart { id lines { id } } }`;
const ADD = `mutation AddToCart($priceId: ID!, $quantity: Int!) {
  addToCart(input: { priceId: $priceId, quantity: $quantity }) {
    cart { id lines { id } }
    userErrors { field message code }
  }
}`;

const listeners = new Set();

export const cart = {
  count: 0,

  /** Ask the server how many lines the viewer's cart has (customers only). */
  async refresh(viewer) {
    if (viewer?.role !== "CUSTOMER") return this.set(0);
    try {
      const data = await graphql(COUNT);
      this.set(data.cart ? data.cart.lines.length : 0);
    } catch {
      // The badge is a convenience: the cart page reports problems itself.
    }
  },

  set(count) {
    this.count = count;
    for (const listener of listeners) listener(count);
  },

  /** Add a price; resolves with the cart, rejects with an ApiError. */
  async add(priceId, quantity) {
    const payload = await mutate(ADD, { priceId, quantity }, "addToCart");
    this.set(payload.cart.lines.length);
    return payload.cart;
  },

  onChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
