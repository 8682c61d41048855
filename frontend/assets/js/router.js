// Client-side routes on the History API. The server answers every non-API path with
// index.html, so deep links and reloads land here.

const routes = [];
let onRoute = () => {};

/** Register a route: a path like "/products/:sku" and what to do when it matches. */
export function route(pattern, handler) {
  const names = [];
  const source = pattern.replace(/:([a-z]+)/gi, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, handler });
}

export function match(pathname) {
  for (const { regex, names, handler } of routes) {
    const found = regex.exec(pathname);
    if (found) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
      return { handler, params };
    }
  }
  return null;
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", url);
  else history.pushState({}, "", url);
  onRoute(new URL(url, location.origin));
}

/** Update the query string of the current page without a new history entry or a render. */
export function setQuery(values) {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === "") url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  history.replaceState({}, "", url);
}

export function startRouter(handler) {
  onRoute = handler;
  window.addEventListener("popstate", () => onRoute(new URL(location.href)));
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (
      !link ||
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
      link.target ||
      link.hasAttribute("download")
    ) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/graphql")) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  onRoute(new URL(location.href));
}
