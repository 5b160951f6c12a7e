/*
 * The report flow on /meld/ (maps/templates/maps/meld.html): one form, one step visible at a time.
 *
 *   kind -> location -> category -> [duplicates, only when open reports of that category are close by] -> details
 *   -> confirmation
 *
 * Texts come translated from the view (json_script "meld-strings"), settings from "meld-config"; the map from
 * basemap.js. Every API call sends the page's language, and so does the report (`language`), so that errors come
 * back in it. Everything typed is kept in a localStorage draft until the report is received (meld-draft.js).
 *
 * Modules: meld-location.js, meld-categories.js, meld-duplicates.js, meld-details.js (one step each),
 * meld-api.js (calls), meld-draft.js (draft), meld-exif.js (a photo's GPS position), meld-util.js.
 */

import { ApiError, makeApi, messagesOf } from "./meld-api.js";
import { setupCategories } from "./meld-categories.js";
import { setupCompliment } from "./meld-compliment.js";
import { setupDetails } from "./meld-details.js";
import { draftClear, draftLoad, draftSave } from "./meld-draft.js";
import { setupDuplicates } from "./meld-duplicates.js";
import { setupLocation } from "./meld-location.js";
import { byId, fill, formatDate } from "./meld-util.js";

const config = JSON.parse(byId("meld-config").textContent);
const strings = JSON.parse(byId("meld-strings").textContent);

const STEPS = ["kind", "location", "category", "duplicates", "details"];
// Which step shows the API's error for a field; fields not listed go to the send area of the last step.
const FIELD_STEPS = {
  kind: "kind",
  location: "location",
  lat: "location",
  lon: "location",
  address: "location",
  category: "category",
  description: "details",
  photos: "details",
  impact: "details",
  reporter_name: "details",
  reporter_email: "details",
  reporter_phone: "details",
  compliment_department: "details",
  compliment_staff_member: "details",
};
// The message slot a field's errors go to, when it is not the field's own.
const FIELD_SLOTS = { lat: "location", lon: "location", address: "location" };
if (config.staff) {
  // A logged-in employee types no contact details (the account's are used): their errors go to the staff note.
  Object.assign(FIELD_SLOTS, {
    reporter_name: "staff_contact",
    reporter_email: "staff_contact",
    reporter_phone: "staff_contact",
  });
}
// Controls that get aria-invalid for a field (the message is tied to them with aria-describedby).
const FIELD_CONTROLS = {
  kind: () => document.querySelectorAll('input[name="kind"]'),
  category: () => document.querySelectorAll('input[name="category"]'),
  description: () => [byId("meld-description")],
  photos: () => [byId("meld-photos")],
  impact: () => document.querySelectorAll('input[name="impact"]'),
  reporter_name: () => [byId("meld-name")],
  reporter_email: () => [byId("meld-email")],
  reporter_phone: () => [byId("meld-phone")],
  compliment_department: () => [byId("meld-compliment-department")],
  compliment_staff_member: () => [byId("meld-compliment-staff")],
};
// Where the keyboard goes when a step has an error in this field.
const FIELD_FOCUS = { location: () => byId("meld-address-q") };

const DRAFT_FIELDS = {
  kind: "string",
  lat: "number",
  lon: "number",
  address: "string",
  accuracy: "number",
  no_location: "boolean",
  category: "string",
  description: "string",
  impact: "number",
  reporter_name: "string",
  reporter_email: "string",
  reporter_phone: "string",
  compliment_department: "string",
  compliment_staff_member: "string",
  step: "string",
  photo_count: "number",
};

const state = {
  kind: "",
  lat: null,
  lon: null,
  address: "",
  accuracy: null,
  no_location: false,
  category: "",
  description: "",
  impact: null,
  reporter_name: "",
  reporter_email: "",
  reporter_phone: "",
  compliment_department: "",
  compliment_staff_member: "",
  step: "kind",
  photo_count: 0,
};

function hasInput() {
  return Boolean(
    state.kind ||
    state.lat !== null ||
    state.category ||
    state.description.trim() ||
    state.reporter_name.trim() ||
    state.reporter_email.trim() ||
    state.reporter_phone.trim() ||
    state.compliment_department ||
    state.compliment_staff_member.trim() ||
    state.impact ||
    state.photo_count,
  );
}

const form = byId("meld-form");
const progress = byId("meld-progress");
let finished = false;
let sending = false;
let withDuplicates = false;

// --- Shared with the step modules ------------------------------------------------------------------------------

const ctx = {
  config,
  strings,
  state,
  api: makeApi(config),
  save() {
    if (finished) return;
    if (!hasInput()) {
      draftClear(); // an untouched form is no draft: nothing to restore next time
      return;
    }
    const draft = {};
    for (const key of Object.keys(DRAFT_FIELDS)) draft[key] = state[key];
    draftSave(draft);
  },
  fieldError,
  clearError,
  categoryBySlug: (slug) => categories.bySlug(slug),
  placeChanged() {
    duplicates.refresh();
    categories.showRouting();
  },
  categoryChanged() {
    duplicates.refresh();
  },
  finished() {
    finished = true;
    draftClear();
    progress.hidden = true;
    byId("meld-draft-notice").hidden = true;
  },
};

const locationStep = setupLocation(ctx);
ctx.location = locationStep;
const categories = setupCategories(ctx);
const duplicates = setupDuplicates(ctx);
const details = setupDetails(ctx);
const compliment = setupCompliment(ctx);

// --- Errors next to their fields -------------------------------------------------------------------------------

function slotFor(field) {
  const name = FIELD_SLOTS[field] || field;
  return document.querySelector(`[data-error-for="${name}"]`) ? name : "non_field_errors";
}

function fieldError(field, messages) {
  const slot = slotFor(field);
  const element = document.querySelector(`[data-error-for="${slot}"]`);
  element.textContent = messages.join(" ");
  element.hidden = false;
  for (const control of FIELD_CONTROLS[slot] ? FIELD_CONTROLS[slot]() : []) {
    control.setAttribute("aria-invalid", "true");
    const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(element.id)) control.setAttribute("aria-describedby", [...described, element.id].join(" "));
  }
  return slot;
}

function clearError(field) {
  const slot = slotFor(field);
  const element = document.querySelector(`[data-error-for="${slot}"]`);
  element.textContent = "";
  element.hidden = true;
  for (const control of FIELD_CONTROLS[slot] ? FIELD_CONTROLS[slot]() : []) control.removeAttribute("aria-invalid");
}

function clearAllErrors() {
  document.querySelectorAll("[data-error-for]").forEach((element) => clearError(element.dataset.errorFor));
}

/** Move the keyboard to the first field with an error in a step (or to the step's heading). */
function focusFirstError(step) {
  const section = byId(`step-${step}`);
  const error = Array.from(section.querySelectorAll("[data-error-for]")).find((element) => !element.hidden);
  const field = error && error.dataset.errorFor;
  const target =
    (field && FIELD_FOCUS[field] && FIELD_FOCUS[field]()) ||
    (field && FIELD_CONTROLS[field] && FIELD_CONTROLS[field]()[0]) ||
    section.querySelector(".meld-step__title");
  target.focus();
}

// --- Steps --------------------------------------------------------------------------------------------------------

const stepsInUse = () => STEPS.filter((step) => step !== "duplicates" || withDuplicates);

function showStep(name, { focus = true } = {}) {
  const used = stepsInUse();
  for (const section of form.querySelectorAll(".meld-step")) section.hidden = section.dataset.step !== name;
  for (const item of progress.querySelectorAll("[data-step-indicator]")) {
    const step = item.dataset.stepIndicator;
    item.hidden = !used.includes(step);
    item.querySelector(".meld-progress__num").textContent = String(used.indexOf(step) + 1);
    item.classList.toggle("is-done", used.indexOf(step) < used.indexOf(name));
    if (step === name) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
  state.step = name;
  ctx.save();
  if (name === "location") locationStep.ensureMap();
  if (name === "duplicates") duplicates.render();
  if (focus) {
    const section = byId(`step-${name}`);
    section.scrollIntoView({ block: "start" });
    section.querySelector(".meld-step__title").focus({ preventScroll: true });
  }
}

const validators = {
  kind: async () => {
    if (state.kind) return true;
    fieldError("kind", [strings.choose_kind]);
    return false;
  },
  location: () => locationStep.validate(),
  category: () => categories.validate(),
  duplicates: async () => true,
  details: async () => details.validate(),
};

async function next() {
  const current = state.step;
  const button = byId(`step-${current}`).querySelector("[data-next]");
  button.setAttribute("aria-busy", "true");
  try {
    if (!(await validators[current]())) {
      focusFirstError(current);
      return;
    }
    if (current === "category") withDuplicates = (await duplicates.refresh()).length > 0;
    const used = stepsInUse();
    showStep(used[used.indexOf(current) + 1]);
  } finally {
    button.removeAttribute("aria-busy");
  }
}

function previous() {
  const used = stepsInUse();
  const index = used.indexOf(state.step);
  if (index > 0) showStep(used[index - 1]);
}

// --- Sending ----------------------------------------------------------------------------------------------------

function payload() {
  const data = {
    kind: state.kind,
    category: state.category,
    description: state.description.trim(),
    channel: "web",
    language: config.language,
    reporter_name: state.reporter_name.trim(),
    reporter_email: state.reporter_email.trim(),
    reporter_phone: state.reporter_phone.trim(),
    ...compliment.payload(),
  };
  if (config.staff) {
    // An employee reports as staff: the API takes the reporter from the logged-in account.
    data.channel = "staff";
    delete data.reporter_name;
    delete data.reporter_email;
    delete data.reporter_phone;
  }
  if (state.impact && compliment.asksImpact()) data.impact = state.impact;
  if (!state.no_location && state.lat !== null) {
    data.lat = state.lat;
    data.lon = state.lon;
    if (state.address) data.address = state.address;
  }
  return data;
}

async function send() {
  if (sending || finished) return;
  clearAllErrors();
  if (!details.validate()) {
    focusFirstError("details");
    return;
  }
  sending = true;
  const submit = byId("meld-submit");
  const retry = byId("meld-retry");
  submit.disabled = true;
  retry.disabled = true;
  byId("meld-sending").textContent = strings.sending;
  form.setAttribute("aria-busy", "true");
  let failure = null;
  try {
    const data = payload();
    const photos = details.photos();
    let response;
    if (photos.length) {
      const body = new FormData();
      for (const [key, value] of Object.entries(data)) body.append(key, String(value));
      for (const photo of photos) body.append("photos", photo, photo.name);
      response = await ctx.api.postForm(config.urls.reports, body);
    } else {
      response = await ctx.api.postJson(config.urls.reports, data);
    }
    byId("meld-send-error").hidden = true;
    showConfirmation(response.data);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    failure = error;
  } finally {
    sending = false;
    submit.disabled = false;
    retry.disabled = false;
    byId("meld-sending").textContent = "";
    form.removeAttribute("aria-busy");
  }
  // After the buttons are enabled again: a disabled button cannot take the focus.
  if (!failure) return;
  // 429 (too many reports from this connection): the server's message says when to try again; the report is kept.
  if (failure.status === 429) showSendError(failure.kind, failure.body && failure.body.detail);
  else if (failure.kind === "invalid" && failure.body && typeof failure.body === "object") showApiErrors(failure.body);
  else showSendError(failure.kind);
}

function showSendError(kind, message) {
  byId("meld-send-error-text").textContent =
    message || (kind === "network" ? strings.send_failed_network : strings.send_failed_server);
  byId("meld-send-error-kept").textContent = strings.send_kept;
  byId("meld-send-error").hidden = false;
  byId("meld-retry").focus();
}

/** 400: every message next to its field; then the earliest step with an error, its first field focused. */
function showApiErrors(body) {
  byId("meld-send-error").hidden = true;
  const steps = new Set();
  for (const [field, value] of Object.entries(body)) {
    const messages = messagesOf(value);
    if (!messages.length) continue;
    fieldError(field, messages);
    steps.add(FIELD_STEPS[field] || "details");
  }
  const first = stepsInUse().find((step) => steps.has(step)) || "details";
  if (state.step !== first) showStep(first, { focus: false });
  focusFirstError(first);
}

function showConfirmation(report) {
  ctx.finished();
  details.clearPhotos();
  form.hidden = true;
  byId("meld-done-reference").textContent = report.reference;
  const department = report.department || {};
  byId("meld-done-department").textContent = department.is_external
    ? fill(strings.done_external, { department: department.name })
    : department.name || "";
  byId("meld-done-expected").textContent = report.expected_answer_date
    ? formatDate(report.expected_answer_date)
    : strings.done_no_answer_date;
  const sentTo = byId("meld-done-email");
  sentTo.textContent = state.reporter_email.trim() && !config.staff
    ? fill(strings.done_email, { email: state.reporter_email.trim() })
    : "";
  sentTo.hidden = !sentTo.textContent;
  // The link's path on this site: the page's own origin is the one the reporter can reach.
  const tracking = byId("meld-done-tracking");
  tracking.href = new URL(new URL(report.tracking_url, window.location.href).pathname, window.location.origin).href;
  tracking.dataset.reference = report.reference;
  const done = byId("meld-done");
  done.hidden = false;
  done.scrollIntoView({ block: "start" });
  byId("meld-done-title").focus({ preventScroll: true });
}

// --- Wiring -----------------------------------------------------------------------------------------------------

form.addEventListener("click", (event) => {
  const target = event.target.closest("[data-next], [data-prev]");
  if (!target) return;
  if (target.hasAttribute("data-next")) next();
  else previous();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  // Enter in a text field of an earlier step means "next", not "send".
  if (state.step === "details") send();
  else next();
});
byId("meld-retry").textContent = strings.retry;
byId("meld-retry").addEventListener("click", send);

document.querySelectorAll('input[name="kind"]').forEach((radio) => {
  radio.addEventListener("change", () => {
    state.kind = radio.value;
    clearError("kind");
    locationStep.refreshKind();
    categories.refreshKind();
    details.refreshKind();
    compliment.refreshKind();
    ctx.save();
  });
});

// --- Start: a fresh form, or the draft left on this device ---------------------------------------------------

function restore(draft) {
  for (const [key, type] of Object.entries(DRAFT_FIELDS)) {
    if (typeof draft[key] === type) state[key] = draft[key];
  }
  const kind = document.querySelector(`input[name="kind"][value="${CSS.escape(state.kind)}"]`);
  if (kind) kind.checked = true;
  else state.kind = "";
  locationStep.restore();
  details.restore();
  compliment.restore();
  byId("meld-draft-text").textContent = strings.draft_restored;
  byId("meld-draft-photos").textContent = strings.draft_photos_lost;
  byId("meld-draft-photos").hidden = !(state.photo_count > 0);
  state.photo_count = 0;
  const discard = byId("meld-draft-discard");
  discard.textContent = strings.draft_discard;
  discard.addEventListener("click", () => {
    draftClear();
    finished = true; // nothing more is saved while the page reloads
    window.location.reload();
  });
  byId("meld-draft-notice").hidden = false;
}

const draft = draftLoad();
if (draft) restore(draft);
locationStep.refreshKind();
details.refreshKind();
compliment.refreshKind();
details.showCount();
categories.loaded.then(() => categories.refreshKind());
// The duplicates step is decided when leaving the category step; a draft reopens at the category step instead.
const startStep = STEPS.includes(state.step) && state.step !== "duplicates" ? state.step : "category";
showStep(draft ? startStep : "kind", { focus: false });
window.meldReady = true; // for the browser tests
