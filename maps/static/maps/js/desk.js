/*
 * The phone desk and counter (/balie/, maps/templates/maps/desk/page.html): an agent enters a report for a caller.
 *
 * One form on a PC: the caller (channel, language), the place (address search, the pin on the map), what it is
 * about (kind, category, description, felt impact), the caller's contact details. Open reports close by are shown
 * as on /meld/, so the caller can follow one instead (desk-duplicates.js). Filing goes through the public API
 * (POST /api/v1/reports/, session and CSRF) with an Idempotency-Key, so a retry after a lost answer never files
 * twice; the API's errors are shown next to their fields. Once filed: the reference and the expected answer date
 * in large type to read back, and "Next call" empties the form.
 *
 * Texts come translated from the view (json_script "desk-strings"), settings from "desk-config".
 */

import { setupDuplicates } from "./desk-duplicates.js";
import { setupPlace } from "./desk-place.js";
import { ApiError, makeApi, messagesOf } from "./meld-api.js";
import { byId, el, fill, formatDate } from "./meld-util.js";

const config = JSON.parse(byId("desk-config").textContent);
const strings = JSON.parse(byId("desk-strings").textContent);

const CHANNEL_KEY = "meldpunt.desk.channel"; // the agent's usual channel (phone or counter) for the next call

// Fields whose errors are shown at another field's slot.
const FIELD_SLOTS = { lat: "location", lon: "location", address: "location", point: "location" };
// Controls that get aria-invalid for a field's error, in the order of the page.
const FIELD_CONTROLS = {
  channel: () => document.querySelectorAll('input[name="channel"]'),
  language: () => document.querySelectorAll('input[name="language"]'),
  location: () => [byId("desk-address-q")],
  kind: () => document.querySelectorAll('input[name="kind"]'),
  category: () => [byId("desk-category")],
  description: () => [byId("desk-description")],
  impact: () => document.querySelectorAll('input[name="impact"]'),
  reporter_name: () => [byId("desk-name")],
  reporter_phone: () => [byId("desk-phone")],
  reporter_email: () => [byId("desk-email")],
};

const state = { kind: "", category: "", lat: null, lon: null, address: "", no_location: false };
const form = byId("desk-form");
const categorySelect = byId("desk-category");
const routing = byId("desk-routing");
const api = makeApi(config);
let categories = [];
let sending = false;
let idempotencyKey = null;

const checkedValue = (name) => {
  const input = form.querySelector(`input[name="${name}"]:checked`);
  return input ? input.value : "";
};

// --- Errors next to their fields -------------------------------------------------------------------------------

function slotFor(field) {
  const name = FIELD_SLOTS[field] || field;
  return document.querySelector(`[data-error-for="${name}"]`) ? name : "non_field_errors";
}

function fieldError(field, messages) {
  const slot = slotFor(field);
  const element = document.querySelector(`[data-error-for="${slot}"]`);
  const previous = element.hidden ? "" : element.textContent;
  element.textContent = [previous, ...messages].filter(Boolean).join(" ");
  element.hidden = false;
  for (const control of FIELD_CONTROLS[slot] ? FIELD_CONTROLS[slot]() : []) {
    control.setAttribute("aria-invalid", "true");
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
  byId("desk-send-error").hidden = true;
}

/** The keyboard goes to the first field with an error, in the order of the page. */
function focusFirstError() {
  const first = Object.keys(FIELD_CONTROLS).find((field) => !byId(`err-${field}`).hidden);
  const control = first && FIELD_CONTROLS[first]()[0];
  if (control) {
    control.focus();
    control.scrollIntoView({ block: "center" });
  } else if (!byId("err-non_field_errors").hidden) {
    byId("err-non_field_errors").scrollIntoView({ block: "center" });
  }
}

// --- Categories: a list grouped under their parents, only those that take the chosen kind ---------------------

const categoryBySlug = (slug) => categories.find((c) => c.slug === slug) || null;
const accepts = (category) => !state.kind || category.kinds.includes(state.kind);

const categoriesLoaded = api
  .get(config.urls.categories)
  .then(({ data }) => {
    categories = Array.isArray(data) ? data : [];
    renderCategories();
  })
  .catch(() => {
    categorySelect.replaceChildren(el("option", { value: "", text: strings.categories_failed }));
  });

function renderCategories() {
  const groups = [];
  for (const parent of categories.filter((c) => !c.parent)) {
    const children = categories.filter((c) => c.parent === parent.slug && accepts(c));
    const options = children.map((c) => el("option", { value: c.slug, text: c.name }));
    if (accepts(parent)) {
      const label = children.length ? fill(strings.other_in_group, { name: parent.name }) : parent.name;
      options.push(el("option", { value: parent.slug, text: label }));
    }
    if (options.length) groups.push(el("optgroup", { label: parent.name }, ...options));
  }
  categorySelect.replaceChildren(el("option", { value: "", text: strings.category_placeholder }), ...groups);
  const chosen = categoryBySlug(state.category);
  if (chosen && accepts(chosen)) categorySelect.value = state.category;
  else setCategory("");
}

function setCategory(slug) {
  if (state.category === slug) return;
  state.category = slug;
  categorySelect.value = slug;
  placeChanged();
}

const showRouting = async () => {
  routing.textContent = "";
  if (!state.category || state.lat === null) return;
  const asked = `${state.category}|${state.lat}|${state.lon}`;
  try {
    const { data } = await api.get(config.urls.routing_preview, {
      lat: state.lat,
      lon: state.lon,
      category: state.category,
    });
    if (asked === `${state.category}|${state.lat}|${state.lon}`) {
      routing.textContent = fill(strings.handled_by, { department: data.department.name });
    }
  } catch {
    // The place shows a refused point; the preview is a courtesy and may stay silent.
  }
};

// --- The place and the duplicates --------------------------------------------------------------------------------

function placeChanged() {
  duplicates.refresh();
  showRouting();
}

const ctx = {
  config,
  strings,
  api,
  state,
  fieldError,
  clearError,
  categoriesLoaded,
  categoryBySlug,
  previewCategory: () => state.category || (categories.find(accepts) || categories[0] || {}).slug || "",
  placeChanged: () => placeChanged(),
  callerLanguage: () => checkedValue("language") || config.language,
  followed: (reference) => showFollowed(reference),
};
const place = setupPlace(ctx);
ctx.map = place.map;
const duplicates = setupDuplicates(ctx);

// --- Kind and e-mail ---------------------------------------------------------------------------------------------

function refreshKind() {
  state.kind = checkedValue("kind");
  place.refreshKind();
  if (categories.length) renderCategories();
  const required = config.kinds_needing_email.includes(state.kind);
  byId("desk-email-required").hidden = !required;
  byId("desk-email-optional").hidden = required;
  byId("desk-email-hint").textContent = required ? strings.email_required : strings.email_optional;
  byId("desk-email").toggleAttribute("aria-required", required);
}

// --- Filing ------------------------------------------------------------------------------------------------------

/** The checks the API would make anyway, all at once, so the agent sees every missing field in one go. */
async function validate() {
  let ok = true;
  if (!state.kind) {
    fieldError("kind", [strings.choose_kind]);
    ok = false;
  }
  if (!(await place.validate())) ok = false;
  if (!state.category) {
    fieldError("category", [strings.choose_category]);
    ok = false;
  }
  if (!byId("desk-description").value.trim()) {
    fieldError("description", [strings.give_description]);
    ok = false;
  }
  if (config.kinds_needing_email.includes(state.kind) && !byId("desk-email").value.trim()) {
    fieldError("reporter_email", [strings.email_required]);
    ok = false;
  }
  return ok;
}

function payload() {
  const data = {
    kind: state.kind,
    category: state.category,
    description: byId("desk-description").value.trim(),
    channel: checkedValue("channel"),
    language: ctx.callerLanguage(),
    reporter_name: byId("desk-name").value.trim(),
    reporter_email: byId("desk-email").value.trim(),
    reporter_phone: byId("desk-phone").value.trim(),
  };
  const impact = checkedValue("impact");
  if (impact) data.impact = Number(impact);
  if (!state.no_location && state.lat !== null) {
    data.lat = state.lat;
    data.lon = state.lon;
    if (state.address) data.address = state.address;
  }
  return data;
}

/** A key per report: a resend after a lost answer carries the same one, so the API files it once. */
function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function send() {
  if (sending) return;
  clearAllErrors();
  if (!(await validate())) {
    focusFirstError();
    return;
  }
  sending = true;
  const submit = byId("desk-submit");
  submit.disabled = true;
  byId("desk-sending").textContent = strings.sending;
  form.setAttribute("aria-busy", "true");
  idempotencyKey = idempotencyKey || newKey();
  const data = payload();
  let failure = null;
  try {
    const response = await api.postJson(config.urls.reports, data, { headers: { "Idempotency-Key": idempotencyKey } });
    showFiled(response.data, data);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    failure = error;
  } finally {
    sending = false;
    submit.disabled = false;
    byId("desk-sending").textContent = "";
    form.removeAttribute("aria-busy");
  }
  if (!failure) return;
  if (failure.kind === "network" || failure.kind === "server") {
    // The report may have been filed and only the answer lost: the same key again, so it is not filed twice.
    const box = byId("desk-send-error");
    box.textContent = failure.kind === "network" ? strings.send_failed_network : strings.send_failed_server;
    box.hidden = false;
    submit.focus();
    return;
  }
  idempotencyKey = null; // refused: nothing was filed by this request, the corrected form is a new one
  if (failure.body && failure.body.idempotency_key) {
    // The form was sent before with other details and that answer was lost: a report may exist already.
    const box = byId("desk-send-error");
    box.textContent = strings.send_reused;
    box.hidden = false;
    submit.focus();
    return;
  }
  showApiErrors(failure.body);
}

function showApiErrors(body) {
  const box = byId("desk-send-error");
  box.textContent = strings.send_invalid;
  box.hidden = false;
  if (body && typeof body === "object") {
    for (const [field, value] of Object.entries(body)) {
      const messages = messagesOf(value);
      if (messages.length) fieldError(field === "detail" ? "non_field_errors" : field, messages);
    }
  } else {
    fieldError("non_field_errors", [strings.error_generic]);
  }
  focusFirstError();
}

// --- Read back, and the next call ----------------------------------------------------------------------------------

function showPanel(id) {
  byId("desk-layout").hidden = true;
  const panel = byId(id);
  panel.hidden = false;
  panel.scrollIntoView({ block: "start" });
  panel.querySelector("h2").focus({ preventScroll: true });
}

function showFiled(report, sent) {
  byId("desk-done-reference").textContent = report.reference;
  const expected = byId("desk-done-expected");
  expected.replaceChildren();
  if (report.expected_answer_date) {
    expected.append(formatDate(report.expected_answer_date));
    // The agent may speak the caller's language: the date as the caller would say it, too.
    if (sent.language !== config.language) {
      const theirs = new Intl.DateTimeFormat(sent.language, { dateStyle: "long" }).format(
        new Date(`${report.expected_answer_date}T12:00:00`),
      );
      expected.append(el("span", { class: "desk-readback__other", lang: sent.language, text: theirs }));
    }
  } else {
    expected.append(strings.done_no_answer_date);
  }
  const department = report.department || {};
  byId("desk-done-department").textContent = department.is_external
    ? fill(strings.done_external, { department: department.name })
    : department.name || "";
  byId("desk-done-email").textContent = sent.reporter_email
    ? fill(strings.done_email, {
        email: sent.reporter_email,
        language: config.languages[sent.language] || sent.language,
      })
    : strings.done_no_email;
  byId("desk-done").dataset.reference = report.reference;
  showPanel("desk-done");
}

function showFollowed(reference) {
  byId("desk-follow-done-title").textContent = fill(strings.follow_done_title, { reference });
  byId("desk-follow-done-reference").textContent = reference;
  byId("desk-follow-done-text").textContent = strings.follow_done_text;
  showPanel("desk-follow-done");
}

/** An empty form for the next caller; the channel stays (an agent at the counter stays at the counter). */
function nextCall() {
  const channel = checkedValue("channel");
  form.reset();
  const keep = form.querySelector(`input[name="channel"][value="${CSS.escape(channel)}"]`);
  if (keep) keep.checked = true;
  idempotencyKey = null;
  clearAllErrors();
  byId("desk-search-results").replaceChildren();
  byId("desk-search-status").textContent = "";
  state.no_location = false;
  place.clear();
  state.category = "";
  refreshKind();
  for (const id of ["desk-done", "desk-follow-done"]) byId(id).hidden = true;
  byId("desk-layout").hidden = false;
  place.map.invalidateSize();
  place.reset();
  window.scrollTo(0, 0);
  byId("desk-address-q").focus();
}

// --- Wiring -------------------------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
// Enter in a field moves on, it does not file: an agent typing while listening must not send half a report.
form.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.key !== "Enter" || !(target instanceof HTMLInputElement) || target.type === "search") return;
  if (["text", "email", "tel"].includes(target.type)) event.preventDefault();
});
form.querySelectorAll('input[name="kind"]').forEach((radio) =>
  radio.addEventListener("change", () => {
    clearError("kind");
    refreshKind();
  }),
);
form.querySelectorAll('input[name="channel"]').forEach((radio) =>
  radio.addEventListener("change", () => {
    clearError("channel");
    try {
      window.sessionStorage.setItem(CHANNEL_KEY, radio.value);
    } catch {
      // private mode: the channel is simply not remembered
    }
  }),
);
categorySelect.addEventListener("change", () => {
  clearError("category");
  setCategory(categorySelect.value);
});
byId("desk-impact-clear").addEventListener("click", () => {
  form.querySelectorAll('input[name="impact"]').forEach((radio) => (radio.checked = false));
});
for (const [field, id] of [
  ["description", "desk-description"],
  ["reporter_name", "desk-name"],
  ["reporter_email", "desk-email"],
  ["reporter_phone", "desk-phone"],
]) {
  byId(id).addEventListener("input", () => clearError(field));
}
byId("desk-next").addEventListener("click", nextCall);
byId("desk-follow-next").addEventListener("click", nextCall);

try {
  const remembered = window.sessionStorage.getItem(CHANNEL_KEY);
  const radio = remembered && form.querySelector(`input[name="channel"][value="${CSS.escape(remembered)}"]`);
  if (radio) radio.checked = true;
} catch {
  // no storage: the first channel stays
}
refreshKind();
categoriesLoaded.then(() => {
  window.deskReady = true; // for the browser tests
});
