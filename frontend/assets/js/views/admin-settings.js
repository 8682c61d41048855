// Admin: the business settings — the approval threshold, the renewal uplift new
// subscriptions start with, the days invoice reminders are emailed, and the dunning schedule
// and its outcome. Staff read them; admins change them here (audited).
import { graphql, mutate } from "../api.js";
import { alertBox, errorState, field, formatDateTime, formatPercent, h, loading, pageHead, recheckOnInput, select, showFieldErrors, toast } from "../ui.js";
import { adminNav } from "./admin.js";

const FIELDS = "approvalThresholdPercent defaultRenewalUpliftPercent reminderDays updatedAt dunningRetryDays dunningOutcome";
const SETTINGS = `query Settings { settings { ${FIELDS} } }`;
const UPDATE = `mutation UpdateSettings($threshold: Decimal, $uplift: Decimal, $reminderDays: [Int!], $days: [Int!], $outcome: DunningOutcome) {
  updateSettings(input: { approvalThresholdPercent: $threshold, defaultRenewalUpliftPercent: $uplift, reminderDays: $reminderDays, dunningRetryDays: $days, dunningOutcome: $outcome }) {
    settings { ${FIELDS} } userErrors { field message code } } }`;
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;
const OUTCOMES = [
  ["LEAVE_OPEN", "Leave the invoice open"],
  ["MARK_UNCOLLECTIBLE", "Write the invoice off (uncollectible)"],
  ["CANCEL_AT_TERM_END", "Stop the account's subscriptions renewing"],
];
const DAYS = /^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$/;

export function render({ session }) {
  document.title = "Settings · Admin · Recur";
  const body = h("div", { class: "card" }, loading("Loading settings", 1));
  async function load() {
    try {
      const { settings } = await graphql(SETTINGS);
      body.replaceChildren(form(settings));
    } catch (error) {
      body.replaceChildren(errorState(error, load));
    }
  }
  load();
  return h(
    "section",
    { "aria-labelledby": "page-title" },
    pageHead("Settings", "The rules quotes, subscriptions, reminders and collections follow. Every change is recorded in the audit log."),
    adminNav("/admin/settings", session.viewer.role),
    body,
  );
}

/** The reminder days typed ("-3, 0, 7"), or null when they are not whole numbers. */
function parseDays(value) {
  const parts = value.split(/[\s,]+/).filter(Boolean);
  return parts.every((part) => /^[+-]?\d{1,3}$/.test(part)) ? [...new Set(parts.map(Number))].sort((a, b) => a - b) : null;
}

function reminderProblem(value) {
  const days = parseDays(value);
  if (!days) return "Enter whole numbers of days separated by commas, like -3, 0, 7 (negative: before the due date).";
  if (days.length > 10) return "At most 10 reminder days.";
  if (days.some((day) => day < -90 || day > 365)) return "Reminder days are from -90 (before the due date) to 365 (after it).";
  return null;
}

/** "-3, 0, 3" → "3 days before the due date, on the day, and 3 days after". */
function describeDays(days) {
  if (!days.length) return "no invoice reminders are sent";
  const words = days.map((day) => (day === 0 ? "on the due date" : `${Math.abs(day)} day${Math.abs(day) === 1 ? "" : "s"} ${day < 0 ? "before" : "after"}`));
  return `reminders go out ${words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}` : words[0]}`;
}

/** A settings percentage's problem, or null: 0 to 100 with at most two decimals. */
function percentProblem(value) {
  return PERCENT.test(value) && Number(value) <= 100 ? null : "Enter a percentage from 0 to 100, with at most two decimals (like 20 or 12.5).";
}

/** The retry days' problem, or null: increasing whole days from 1 to 60, at most 10. */
function retryProblem(value) {
  const days = value.split(",").map((d) => Number(d.trim()));
  const fine = DAYS.test(value) && days.length <= 10 && days.every((d, i) => d >= 1 && d <= 60 && (i === 0 || d > days[i - 1]));
  return fine ? null : "Enter 1 to 10 increasing days from 1 to 60, separated by commas (like 1, 3, 5, 7).";
}

function form(settings) {
  const threshold = h("input", { type: "text", inputmode: "decimal", name: "approvalThresholdPercent", value: settings.approvalThresholdPercent, autocomplete: "off", style: "max-width: 10rem" });
  const uplift = h("input", { type: "text", inputmode: "decimal", name: "defaultRenewalUpliftPercent", value: settings.defaultRenewalUpliftPercent, autocomplete: "off", style: "max-width: 10rem" });
  const reminders = h("input", { type: "text", name: "reminderDays", value: settings.reminderDays.join(", "), autocomplete: "off", style: "max-width: 16rem" });
  const days = h("input", { type: "text", inputmode: "numeric", name: "dunningRetryDays", value: settings.dunningRetryDays.join(", "), autocomplete: "off", style: "max-width: 14rem" });
  const outcome = select(OUTCOMES, settings.dunningOutcome, { name: "dunningOutcome", style: "max-width: 26rem" });
  const fields = {
    approvalThresholdPercent: field("Approval threshold (%)", threshold, "A discount above this, or an amendment taking more than this share off a contract, needs a manager's approval."),
    defaultRenewalUpliftPercent: field("Default renewal uplift (%)", uplift, "New subscriptions start with this uplift: each automatic renewal raises their prices by it. Existing subscriptions keep theirs."),
    reminderDays: field("Invoice reminders (days from the due date)", reminders, "An open invoice's billing contact is emailed on each of these days: negative before the due date, 0 on it. Leave empty for no reminders."),
    dunningRetryDays: field("Retry a declined autopay charge after (days)", days, "Counted from the first failed charge; each failure emails the customer a link to pay."),
    dunningOutcome: field("After the last retry fails", outcome, "The account's rep is told in every case."),
  };
  recheckOnInput(fields.approvalThresholdPercent, percentProblem);
  recheckOnInput(fields.defaultRenewalUpliftPercent, percentProblem);
  recheckOnInput(fields.reminderDays, reminderProblem);
  recheckOnInput(fields.dunningRetryDays, retryProblem);
  const problem = alertBox();
  const saved = h("p", { class: "muted", role: "status" }, updated(settings));
  const submit = h("button", { class: "button button--primary", type: "submit" }, "Save settings");
  const element = h(
    "form",
    { class: "card__body stack", novalidate: true, "aria-label": "Settings" },
    problem,
    h("h2", { class: "section-title" }, "Quotes and renewals"),
    fields.approvalThresholdPercent,
    fields.defaultRenewalUpliftPercent,
    h("h2", { class: "section-title" }, "Reminders and dunning"),
    fields.reminderDays,
    fields.dunningRetryDays,
    fields.dunningOutcome,
    h("div", { class: "actions" }, submit),
    saved,
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.show(null);
    const values = { approvalThresholdPercent: threshold.value.trim(), defaultRenewalUpliftPercent: uplift.value.trim() };
    const local = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, percentProblem(value)]));
    local.reminderDays = reminderProblem(reminders.value);
    local.dunningRetryDays = retryProblem(days.value);
    if (Object.values(local).some(Boolean)) {
      showFieldErrors({ fieldMessage: (name) => local[name] ?? null, userErrors: [] }, fields);
      return;
    }
    submit.disabled = true;
    try {
      const retryDays = days.value.split(",").map((d) => Number(d.trim()));
      const input = { threshold: values.approvalThresholdPercent, uplift: values.defaultRenewalUpliftPercent, reminderDays: parseDays(reminders.value), days: retryDays, outcome: outcome.value };
      const result = await mutate(UPDATE, input, "updateSettings");
      showFieldErrors(null, fields);
      const now = result.settings;
      threshold.value = now.approvalThresholdPercent;
      uplift.value = now.defaultRenewalUpliftPercent;
      reminders.value = now.reminderDays.join(", ");
      days.value = now.dunningRetryDays.join(", ");
      saved.textContent = updated(now);
      const renewals = Number(now.defaultRenewalUpliftPercent) ? `renew ${formatPercent(now.defaultRenewalUpliftPercent)} higher` : "renew at the same prices";
      toast(`Settings saved: discounts above ${formatPercent(now.approvalThresholdPercent)} need approval; new subscriptions ${renewals}; ${describeDays(now.reminderDays)}.`);
    } catch (error) {
      if (!showFieldErrors(error, fields)) problem.show(error.message);
    } finally {
      submit.disabled = false;
    }
  });
  return element;
}

function updated(settings) {
  return settings.updatedAt ? `Last changed ${formatDateTime(settings.updatedAt)}.` : "The defaults apply: no admin has changed these yet.";
}
