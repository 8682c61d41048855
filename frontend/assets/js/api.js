// A small GraphQL client over fetch. Every failure becomes an ApiError with a message a
// person can read: network trouble, HTTP errors, top-level GraphQL errors and userErrors.

export class ApiError extends Error {
  constructor(message, { code = "ERROR", userErrors = [], status = 0, requestId = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.requestId = requestId;
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

/** How a person reads the API's input fields, so no message shows a name like discountPercent. */
const FIELD_WORDS = {
  quantity: "the quantity",
  discountPercent: "the discount",
  termMonths: "the term",
  startDate: "the start date",
  effectiveDate: "the effective date",
  upliftPercent: "the uplift",
  priceId: "the price",
  accountId: "the account",
  quoteId: "the quote",
  lineId: "the line",
  subscriptionId: "the subscription",
  itemId: "the item",
  amount: "the amount",
  asOf: "the date",
  reason: "the reason",
  note: "the note",
  clientKey: "the request",
  expectedVersion: "the version on screen",
  approvalThresholdPercent: "the approval threshold",
  defaultRenewalUpliftPercent: "the default renewal uplift",
  partnerId: "the partner",
  clientId: "the client",
};

/** The camel-case names (plain words such as "amount" read well as they are). */
const FIELD_NAMES = new RegExp(`\\b(${Object.keys(FIELD_WORDS).filter((name) => /[A-Z]/.test(name)).join("|")})\\b`, "g");

/** A message with the API's field names put in words, its first letter capitalised. */
export function worded(message) {
  const text = String(message).replace(FIELD_NAMES, (name) => FIELD_WORDS[name]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A GraphQL validation error ("Variable '$input' got invalid value 1.5 at
 * 'input.quantity'; Int cannot represent…") in words, naming the field it is about, so a
 * person never reads the raw text and forms can put it under the field. Null for others.
 */
function invalidInput(error) {
  const text = String(error.message || "");
  if (error.extensions?.code || !/^Variable '\$\w+'|cannot represent|Expected value of type/.test(text)) return null;
  const path = text.match(/at '([\w.[\]]+)'/)?.[1] ?? text.match(/^Variable '\$(\w+)'/)?.[1] ?? "";
  const name = path.split(".").pop().replace(/\[\d+\]$/, "");
  const words = FIELD_WORDS[name];
  const message = words ? worded(`${words} is not a value Recur can take: check it and try again.`) : "Something entered is not a value Recur can take: check the form and try again.";
  return new ApiError(message, { code: "INVALID_INPUT", userErrors: words ? [{ field: [name], message, code: "INVALID_INPUT" }] : [] });
}

/** A fresh key for a creating call, so that sending it twice makes one thing. */
export function clientKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The selection of a Money field. */
export const MONEY = "{ amount currency }";

/** " Reference: <id>" for a message support may be asked about, or nothing without an id. */
function reference(requestId) {
  return requestId ? ` Reference: ${requestId}` : "";
}

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
  // Every answer names its request; support finds the server's log lines by it.
  const requestId = response.headers.get("x-request-id");
  if (!response.ok || body === null) {
    throw new ApiError(`The server answered ${response.status}. Please try again.${reference(requestId)}`, {
      code: "HTTP",
      status: response.status,
      requestId,
    });
  }
  if (body.errors && body.errors.length) {
    const [first] = body.errors;
    const code = first.extensions?.code ?? "ERROR";
    if (code === "INTERNAL_SERVER_ERROR") {
      const id = first.extensions?.requestId ?? requestId;
      throw new ApiError(`${first.message}${reference(id)}`, { code, requestId: id });
    }
    throw invalidInput(first) ?? new ApiError(worded(first.message), { code });
  }
  return body.data;
}

/** Run a mutation whose payload sits under `key`; userErrors reject as one ApiError. */
export async function mutate(query, variables, key) {
  const data = await graphql(query, variables);
  const payload = data[key];
  if (payload.userErrors && payload.userErrors.length) {
    const userErrors = payload.userErrors.map((e) => ({ ...e, message: worded(e.message) }));
    throw new ApiError(userErrors.map((e) => e.message).join(" "), { code: userErrors[0].code, userErrors });
  }
  return payload;
}
