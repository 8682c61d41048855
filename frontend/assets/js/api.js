// A small GraphQL client over fetch. Every failure becomes an ApiError with a message a
// person can read: network trouble, HTTP errors, top-level GraphQL errors and userErrors.

export class ApiError extends Error {
  constructor(message, { code = "ERROR", userErrors = [], status = 0 } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.userErrors = userErrors;
    this.status = status;
  }

  /** The message of the userError on `field` (the last part of its path), if any. */
  fieldMessage(field) {
    const error = this.userErrors.find((e) => e.field && e.field[e.field.length - 1] === field);
    return error ? error.message : null;
  }
}

function readCookie(name) {
  const prefix = `${name}=`;
  const found = document.cookie.split("; ").find((part) => part.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

/** The selection of a Money field. */
export const MONEY = "{ amount currency }";

/** Run a query or mutation; resolves to `data`, rejects with an ApiError. */
export async function graphql(query, variables = {}) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  // The session lives in an HttpOnly cookie; the CSRF token proves the request is ours.
  const csrf = readCookie("recur_csrf");
  if (csrf) headers["x-csrf-token"] = csrf;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      credentials: "same-origin",
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("Recur cannot be reached. Check your connection and try again.", {
      code: "NETWORK",
    });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || body === null) {
    throw new ApiError(`The server answered ${response.status}. Please try again.`, {
      code: "HTTP",
      status: response.status,
    });
  }
  if (body.errors && body.errors.length) {
    const [first] = body.errors;
    throw new ApiError(first.message, { code: first.extensions?.code ?? "ERROR" });
  }
  return body.data;
}

/** Run a mutation whose payload sits under `key`; userErrors reject as one ApiError. */
export async function mutate(query, variables, key) {
  const data = await graphql(query, variables);
  const payload = data[key];
  if (payload.userErrors && payload.userErrors.length) {
    throw new ApiError(payload.userErrors.map((e) => e.message).join(" "), {
      code: payload.userErrors[0].code,
      userErrors: payload.userErrors,
    });
  }
  return payload;
}
