import { emptyState, h } from "../ui.js";

export function render() {
  document.title = "Not found · Recur";
  return emptyState("This page does not exist", "The link may be old or mistyped.", h("a", { class: "button", href: "/products" }, "Browse the catalog"), 1);
}
