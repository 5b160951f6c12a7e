/*
 * The desk's "already reported?": open reports of the chosen category near the pin (the same API and the same
 * radius rule as /meld/), numbered on the map and in a list with distance and age. The agent can add the caller
 * as a follower of one instead of filing a new report; following needs the caller's e-mail address.
 */

import { byId, el, fill, formatAge, formatMetres, plural } from "./meld-util.js";

export function setupDuplicates(ctx) {
  const { config, strings, api, state } = ctx;
  const section = byId("desk-duplicates");
  const intro = byId("desk-duplicates-intro");
  const list = byId("desk-duplicates-list");
  const layer = window.L.layerGroup().addTo(ctx.map);
  let askedFor = null;

  const key = () =>
    state.no_location || state.lat === null || !state.category ? null : `${state.lat},${state.lon},${state.category}`;

  /** Ask again when the place or the category changed; late answers are dropped. */
  async function refresh() {
    const current = key();
    if (current === askedFor) return;
    askedFor = current;
    const category = ctx.categoryBySlug(state.category);
    if (!current || (category && !category.is_public)) {
      show([]);
      section.hidden = true;
      return;
    }
    let candidates = [];
    try {
      const { data } = await api.get(config.urls.nearby, { lat: state.lat, lon: state.lon, category: state.category });
      candidates = Array.isArray(data) ? data : (data && data.features) || [];
    } catch {
      candidates = []; // never keep the agent from filing because the duplicate search failed
    }
    if (askedFor !== current) return;
    show(candidates);
  }

  function show(candidates) {
    layer.clearLayers();
    list.replaceChildren(...candidates.map((feature, index) => item(feature, index + 1)));
    intro.textContent = candidates.length
      ? plural(strings.duplicates_found, candidates.length)
      : strings.duplicates_none;
    section.hidden = false;
    section.dataset.count = String(candidates.length);
    candidates.forEach((feature, index) => {
      const [lon, lat] = feature.geometry.coordinates;
      const icon = window.L.divIcon({
        className: "desk-duplicate-icon",
        html: `<span>${index + 1}</span>`,
        iconSize: [28, 28],
      });
      window.L.marker([lat, lon], {
        icon,
        keyboard: false,
        title: fill(strings.duplicate_marker, { reference: feature.properties.reference }),
      }).addTo(layer);
    });
  }

  function item(feature, number) {
    const p = feature.properties;
    const emailId = `desk-follow-email-${number}`;
    const errorId = `desk-follow-error-${number}`;
    const meta = [
      fill(strings.duplicate_status, { status: p.status_display }),
      fill(strings.duplicate_distance, { distance: formatMetres(p.distance_m) }),
      fill(strings.duplicate_reported, { age: formatAge(p.created_at) }),
    ].join(" · ");

    const email = el("input", {
      type: "email",
      id: emailId,
      autocomplete: "off",
      "aria-describedby": errorId,
      "data-testid": "follow-email",
    });
    const error = el("p", { class: "desk-error", id: errorId, hidden: true, "data-testid": "follow-error" });
    const submit = el("button", {
      type: "button",
      class: "button button--primary",
      text: strings.follow_submit,
      "data-testid": "follow-submit",
    });
    const form = el(
      "div",
      { class: "desk-follow", hidden: true },
      el("label", { for: emailId, text: strings.follow_email_label }),
      email,
      error,
      submit,
    );
    const open = el("button", {
      type: "button",
      class: "button button--small",
      "aria-expanded": "false",
      text: strings.follow_this,
      "data-testid": "follow-open",
    });
    open.addEventListener("click", () => {
      const opening = form.hidden;
      form.hidden = !opening;
      open.setAttribute("aria-expanded", String(opening));
      if (!opening) return;
      // The caller's e-mail as typed in the contact details, if the agent has it already.
      email.value = email.value || byId("desk-email").value.trim();
      // No e-mail yet: say at once what following needs, and what to do for a caller without one.
      if (!email.value) showNote(error, fill(strings.follow_needs_email, { reference: p.reference }));
      email.focus();
    });
    const send = () => follow(p.reference, email, error, submit);
    submit.addEventListener("click", send);
    email.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        send();
      }
    });

    return el(
      "li",
      { class: "desk-duplicate", "data-testid": "duplicate", "data-reference": p.reference },
      el("span", { class: "desk-duplicate__number", "aria-hidden": "true", text: String(number) }),
      el(
        "div",
        { class: "desk-duplicate__body" },
        el("h3", { text: `${p.reference} · ${p.category_name}` }),
        el("p", { class: "desk-duplicate__meta", text: meta }),
        p.address ? el("p", { class: "desk-duplicate__address", text: p.address }) : null,
        open,
        form,
      ),
    );
  }

  function showError(error, input, message) {
    error.className = "desk-error";
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
  }

  function showNote(error, message) {
    error.className = "desk-follow-note";
    error.textContent = message;
    error.hidden = false;
  }

  async function follow(reference, input, error, button) {
    const email = input.value.trim();
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    if (!email) {
      showError(error, input, fill(strings.follow_needs_email, { reference }));
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const url = config.urls.follow.replace("REFERENCE", encodeURIComponent(reference));
      await api.postJson(url, { email, language: ctx.callerLanguage() });
      ctx.followed(reference);
    } catch (failure) {
      const body = failure.kind === "invalid" || failure.kind === "notfound" ? failure.body : null;
      const messages = body ? [].concat(body.email || body.detail || body.non_field_errors || []) : [];
      showError(error, input, messages.length ? messages.join(" ") : strings.error_generic);
      input.focus();
    } finally {
      button.disabled = false;
    }
  }

  return { refresh };
}
