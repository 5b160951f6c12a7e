/*
 * Step "Already reported?": open reports of the chosen category near the pin, on a map and in a list with their
 * distance and age. "This is my problem too" makes the reporter a follower of that report instead of filing a
 * new one. The step is shown only when there is something to show.
 */

import { byId, el, fill, formatAge, formatMetres, plural } from "./meld-util.js";

export function setupDuplicates(ctx) {
  const { config, strings, api, state } = ctx;
  const list = byId("meld-duplicates-list");
  let candidates = [];
  let askedFor = null;
  let pending = Promise.resolve([]);
  let map = null;
  let layer = null;

  const key = () =>
    state.no_location || state.lat === null || !state.category ? null : `${state.lat},${state.lon},${state.category}`;

  /** Ask for candidates when the place or category changed; the same question is asked once. */
  function refresh() {
    const current = key();
    if (current === askedFor) return pending;
    askedFor = current;
    const category = ctx.categoryBySlug(state.category);
    if (!current || (category && !category.is_public)) {
      candidates = [];
      pending = Promise.resolve(candidates);
      return pending;
    }
    pending = api
      .get(config.urls.nearby, { lat: state.lat, lon: state.lon, category: state.category })
      .then(({ data }) => {
        if (askedFor === current) candidates = Array.isArray(data) ? data : (data && data.features) || [];
        return candidates;
      })
      .catch(() => {
        // Never keep anyone from reporting because the duplicate search failed.
        if (askedFor === current) candidates = [];
        return candidates;
      });
    return pending;
  }

  function ensureMap() {
    if (!map) {
      map = window.Meldpunt.createMap("meld-duplicates-map", { label: strings.duplicates_map_label });
      layer = window.L.layerGroup().addTo(map);
      window.meldDuplicatesMap = map;
    }
    map.invalidateSize();
    return map;
  }

  function render() {
    byId("meld-duplicates-intro").textContent = plural(strings.duplicates_found, candidates.length);
    list.replaceChildren(...candidates.map((feature, index) => item(feature, index + 1)));
    ensureMap();
    layer.clearLayers();
    const points = [[state.lat, state.lon]];
    window.L.marker([state.lat, state.lon], { keyboard: false, alt: strings.pin_alt }).addTo(layer);
    candidates.forEach((feature, index) => {
      const [lon, lat] = feature.geometry.coordinates;
      points.push([lat, lon]);
      const icon = window.L.divIcon({
        className: "meld-duplicate-icon",
        html: `<span>${index + 1}</span>`,
        iconSize: [28, 28],
      });
      window.L.marker([lat, lon], {
        icon,
        keyboard: false,
        title: fill(strings.duplicate_marker, { reference: feature.properties.reference }),
      }).addTo(layer);
    });
    map.fitBounds(points, { padding: [32, 32], maxZoom: 18 });
  }

  function item(feature, number) {
    const p = feature.properties;
    const titleId = `meld-duplicate-${number}-title`;
    const emailId = `meld-follow-email-${number}`;
    const hintId = `meld-follow-hint-${number}`;
    const errorId = `meld-follow-error-${number}`;
    const meta = [
      p.reference,
      fill(strings.duplicate_status, { status: p.status_display }),
      fill(strings.duplicate_distance, { distance: formatMetres(p.distance_m) }),
      fill(strings.duplicate_reported, { age: formatAge(p.created_at) }),
    ].join(" · ");

    const email = el("input", {
      type: "email",
      id: emailId,
      autocomplete: "email",
      inputmode: "email",
      "aria-describedby": `${hintId} ${errorId}`,
      value: state.reporter_email || (config.staff && config.staff.email) || "",
    });
    const error = el("p", { class: "meld-error", id: errorId, hidden: true });
    const submit = el("button", {
      type: "button",
      class: "meld-button meld-button--primary",
      text: strings.follow_submit,
    });
    const cancel = el("button", {
      type: "button",
      class: "meld-button meld-button--secondary",
      text: strings.follow_cancel,
    });
    const form = el(
      "div",
      { class: "meld-follow", hidden: true },
      el("label", { for: emailId, text: strings.follow_email_label }),
      el("p", { class: "meld-hint", id: hintId, text: strings.follow_email_hint }),
      email,
      error,
      el("div", { class: "meld-nav meld-nav--inline" }, submit, cancel),
    );
    const open = el("button", {
      type: "button",
      class: "meld-button meld-button--secondary",
      "aria-describedby": titleId,
      "aria-expanded": "false",
      text: strings.follow_this,
      "data-testid": "follow-open",
    });

    open.addEventListener("click", () => {
      form.hidden = false;
      open.setAttribute("aria-expanded", "true");
      email.focus();
    });
    cancel.addEventListener("click", () => {
      form.hidden = true;
      open.setAttribute("aria-expanded", "false");
      open.focus();
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
      { class: "meld-duplicate", "data-testid": "duplicate", "data-reference": p.reference },
      el("span", { class: "meld-duplicate__number", "aria-hidden": "true", text: String(number) }),
      el(
        "div",
        { class: "meld-duplicate__body" },
        el("h3", { id: titleId, text: p.category_name }),
        el("p", { class: "meld-duplicate__meta", text: meta }),
        p.address ? el("p", { class: "meld-duplicate__address", text: p.address }) : null,
        open,
        form,
      ),
    );
  }

  async function follow(reference, emailInput, error, button) {
    const email = emailInput.value.trim();
    error.hidden = true;
    emailInput.removeAttribute("aria-invalid");
    button.disabled = true;
    try {
      const url = config.urls.follow.replace("REFERENCE", encodeURIComponent(reference));
      const { data } = await api.postJson(url, { email, language: config.language });
      state.reporter_email = email;
      done(reference, data && data.message);
    } catch (failure) {
      const body = failure.kind === "invalid" || failure.kind === "notfound" ? failure.body : null;
      const messages = body
        ? [].concat(body.email || body.reference || body.detail || body.non_field_errors || [])
        : [];
      error.textContent = messages.length ? messages.join(" ") : strings.error_generic;
      error.hidden = false;
      emailInput.setAttribute("aria-invalid", "true");
      emailInput.focus();
    } finally {
      button.disabled = false;
    }
  }

  function done(reference, message) {
    byId("meld-duplicates-body").hidden = true;
    byId("meld-follow-done-title").textContent = fill(strings.follow_done_title, { reference });
    byId("meld-follow-done-message").textContent = message || "";
    byId("meld-follow-done-next").textContent = strings.follow_next;
    byId("meld-follow-done").hidden = false;
    ctx.finished();
    byId("meld-follow-done-title").focus();
  }

  return {
    refresh,
    render,
    count: () => candidates.length,
  };
}
