/*
 * "Around me" and "Mine" on the field page.
 *
 * Around me: the open reports near the pin that this member of staff may confirm (the server decides which),
 * nearest first, with distance and age, as a list and as dots on the map. Instead of filing the same problem
 * again the warden follows one (its answer comes to their e-mail too) or adds a photo or a note to it.
 * Mine: what they reported, newest first, with its status. Both need a connection; without one they say so.
 */

import { messagesOf } from "./meld-api.js";
import { byId, el, fill, formatAge, formatMetres, plural } from "./meld-util.js";

function link(template, reference) {
  return template.replace("REFERENCE", encodeURIComponent(reference));
}

function problemText(strings, failure, offlineText) {
  if (failure && failure.kind === "network") return offlineText;
  const messages = failure && failure.body ? messagesOf(failure.body.detail || failure.body) : [];
  return messages.length ? messages.join(" ") : strings.error_generic;
}

export function setupAround(ctx) {
  const { config, strings, api, place } = ctx;
  const summary = byId("field-around-summary");
  const list = byId("field-around-list");
  const refreshButton = byId("field-around-refresh");
  const dots = window.L.layerGroup().addTo(place.map);
  let seq = 0;

  async function refresh() {
    const { lat, lon } = place.state;
    if (lat === null || place.state.inside === false) {
      summary.textContent = "";
      list.replaceChildren();
      dots.clearLayers();
      return;
    }
    const mySeq = ++seq;
    let data;
    try {
      ({ data } = await api.get(config.urls.around, { lat, lon }));
    } catch (failure) {
      if (mySeq !== seq) return;
      summary.textContent = problemText(strings, failure, strings.around_offline);
      return;
    }
    if (mySeq !== seq) return;
    const radius = data.radius_m;
    summary.textContent = data.reports.length
      ? fill(plural(strings.around_count, data.reports.length), { radius })
      : fill(strings.around_none, { radius });
    dots.clearLayers();
    list.replaceChildren(...data.reports.map((report) => item(report)));
    data.reports.forEach((report) => {
      window.L.circleMarker([report.lat, report.lon], {
        radius: 8,
        color: "#fff",
        weight: 2,
        fillColor: "#b3261e",
        fillOpacity: 1,
        interactive: false,
      }).addTo(dots);
    });
  }

  function item(report) {
    const result = el("p", { className: "field-item__result", role: "status", "data-testid": "around-result" });
    const meta = [
      fill(strings.distance, { distance: formatMetres(report.distance_m) }),
      fill(strings.reported_age, { age: formatAge(report.created_at) }),
      report.status_display,
    ];
    if (report.mine) meta.push(strings.by_you);
    // The reporter of a report hears its outcome already: no need to follow one's own.
    const followButton =
      report.following || report.mine
        ? null
      : el("button", {
          type: "button",
          className: "field-button field-button--secondary field-button--small",
          text: strings.follow,
          "data-testid": "follow",
        });
    const addButton = el("button", {
      type: "button",
      className: "field-button field-button--secondary field-button--small",
      text: strings.add,
      "aria-expanded": "false",
      "data-testid": "add",
    });
    const form = observationForm(report, result, addButton);
    const li = el(
      "li",
      { className: "field-item", "data-reference": report.reference, "data-testid": "around-item" },
      el(
        "p",
        { className: "field-item__title" },
        el("strong", { text: report.category_name }),
        " ",
        report.can_open
          ? el("a", { href: link(config.urls.report, report.reference), text: report.reference })
          : el("span", { className: "field-item__reference", text: report.reference }),
      ),
      el("p", { className: "field-item__meta", text: meta.join(" · ") }),
      report.address ? el("p", { className: "field-item__address", text: report.address }) : null,
      report.following ? el("p", { className: "field-item__following", text: strings.following }) : null,
      el("div", { className: "field-item__actions" }, followButton, addButton),
      form,
      result,
    );
    if (followButton) {
      followButton.addEventListener("click", async () => {
        followButton.disabled = true;
        try {
          await api.postJson(link(config.urls.follow, report.reference), {});
          followButton.replaceWith(el("p", { className: "field-item__following", text: strings.following }));
          result.textContent = "";
        } catch (failure) {
          followButton.disabled = false;
          result.textContent = problemText(strings, failure, strings.needs_connection);
        }
      });
    }
    addButton.addEventListener("click", () => {
      const open = form.hidden;
      form.hidden = !open;
      addButton.setAttribute("aria-expanded", String(open));
      if (open) form.querySelector("textarea").focus();
    });
    return li;
  }

  function observationForm(report, result, addButton) {
    const id = `add-${report.reference}`;
    const note = el("textarea", { id: `${id}-note`, name: "note", rows: 2, "data-testid": "add-note" });
    const photo = el("input", {
      id: `${id}-photo`,
      type: "file",
      accept: "image/*",
      capture: "environment",
      name: "photos",
      "data-testid": "add-photo",
    });
    const submit = el("button", {
      type: "submit",
      className: "field-button field-button--primary field-button--small",
      text: strings.add_submit,
      "data-testid": "add-submit",
    });
    const cancel = el("button", {
      type: "button",
      className: "field-button field-button--secondary field-button--small",
      text: strings.cancel,
    });
    const form = el(
      "form",
      { className: "field-item__form", hidden: true, noValidate: true },
      el("label", { htmlFor: note.id, className: "field-label", text: strings.add_note_label }),
      note,
      el("label", { htmlFor: photo.id, className: "field-label", text: strings.add_photo_label }),
      photo,
      el("div", { className: "field-item__actions" }, submit, cancel),
    );
    cancel.addEventListener("click", () => {
      form.hidden = true;
      addButton.setAttribute("aria-expanded", "false");
      addButton.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData();
      body.append("note", note.value);
      Array.from(photo.files).forEach((file) => body.append("photos", file, file.name));
      submit.disabled = true;
      try {
        await api.postForm(link(config.urls.observation, report.reference), body);
        result.textContent = fill(strings.add_done, { reference: report.reference });
        form.reset();
        form.hidden = true;
        addButton.setAttribute("aria-expanded", "false");
      } catch (failure) {
        result.textContent = problemText(strings, failure, strings.needs_connection);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  refreshButton.addEventListener("click", refresh);
  return { refresh };
}

export function setupMine(ctx) {
  const { config, strings, api } = ctx;
  const summary = byId("field-mine-summary");
  const list = byId("field-mine-list");

  async function refresh() {
    let data;
    try {
      ({ data } = await api.get(config.urls.mine));
    } catch (failure) {
      summary.textContent = problemText(strings, failure, strings.mine_offline);
      return;
    }
    summary.textContent = data.reports.length ? "" : strings.mine_none;
    list.replaceChildren(
      ...data.reports.map((report) =>
        el(
          "li",
          {
            className: "field-item",
            "data-reference": report.reference,
            "data-status": report.status,
            "data-testid": "mine-item",
          },
          el(
            "p",
            { className: "field-item__title" },
            el("strong", { text: report.category_name }),
            " ",
            report.can_open
              ? el("a", { href: link(config.urls.report, report.reference), text: report.reference })
              : el("span", { text: report.reference }),
          ),
          el("p", {
            className: "field-item__meta",
            text: [report.status_display, formatAge(report.created_at)].join(" · "),
          }),
          report.address ? el("p", { className: "field-item__address", text: report.address }) : null,
        ),
      ),
    );
  }

  return { refresh };
}
