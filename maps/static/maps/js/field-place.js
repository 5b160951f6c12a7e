/*
 * The field page's place: the map opens on the phone's position (with the accuracy circle), the pin can be dragged
 * or the map tapped, and every place is checked against the city's territory at once (the reverse geocoder refuses
 * a place outside it, as the public report page does). Without a connection the place stays "unknown" and the
 * server checks it when the report is sent.
 *
 * #field-place carries data-place: checking, inside, outside or unknown (the browser tests wait on it).
 */

import { byId, fill, formatNumber } from "./meld-util.js";

// Above this the phone's position is a guess (wifi, cell towers): say so, the warden checks the pin.
const POOR_ACCURACY_M = 100;

export function setupPlace(ctx) {
  const { config, strings, api } = ctx;
  const state = { lat: null, lon: null, accuracy: null, address: "", inside: null, checking: false };
  const listeners = [];
  const place = byId("field-place");
  const accuracyText = byId("field-accuracy");
  const addressText = byId("field-address");
  const error = byId("field-place-error");
  const locateButton = byId("field-locate");
  let marker = null;
  let circle = null;
  let checkSeq = 0;

  const map = window.Meldpunt.createMap("field-map", { label: strings.location_map_label });
  window.fieldMap = map; // for the browser tests
  map.on("click", (event) => setPin(event.latlng.lat, event.latlng.lng));

  function say(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
  }

  function drawPin() {
    const latlng = [state.lat, state.lon];
    if (!marker) {
      marker = window.L.marker(latlng, { draggable: true, keyboard: false, alt: strings.pin_alt, autoPan: true });
      marker.on("dragend", () => {
        const position = marker.getLatLng();
        setPin(position.lat, position.lng);
      });
      marker.addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
  }

  /** The phone's position and how sure it is: a circle of that radius, which stays where the phone is. */
  function drawAccuracy(lat, lon, accuracy) {
    if (circle) circle.remove();
    circle = window.L.circle([lat, lon], {
      radius: accuracy,
      interactive: false,
      weight: 1,
      color: "#0b4f8a",
      fillOpacity: 0.12,
      className: "field-accuracy-circle",
    }).addTo(map);
    const template = accuracy > POOR_ACCURACY_M ? strings.accuracy_poor : strings.accuracy;
    say(accuracyText, fill(template, { metres: formatNumber(Math.round(accuracy)) }));
  }

  function setPin(lat, lon, { zoom = null } = {}) {
    state.lat = Math.round(lat * 1e6) / 1e6;
    state.lon = Math.round(lon * 1e6) / 1e6;
    state.address = "";
    drawPin();
    // Straight to the phone's position: a zoom animation from the whole city would only delay the warden.
    if (zoom) map.setView([state.lat, state.lon], zoom, { animate: false });
    else if (!map.getBounds().contains([state.lat, state.lon])) map.panTo([state.lat, state.lon]);
    check();
  }

  /** Territory and address in one call: {in_territory, address (or null), message}. */
  async function check() {
    const seq = ++checkSeq;
    state.inside = null;
    state.checking = true;
    place.dataset.place = "checking";
    say(addressText, strings.location_checking);
    say(error, "");
    listeners.forEach((listener) => listener(state));
    let outcome;
    try {
      const { data } = await api.get(config.urls.geocode_reverse, { lat: state.lat, lon: state.lon });
      outcome = data.in_territory
        ? { inside: true, address: (data.address && data.address.label) || "" }
        : { inside: false, message: data.message };
    } catch (failure) {
      const body = failure.kind === "invalid" ? failure.body : null;
      const refusal = body && (body.location || body.lat || body.lon);
      if (refusal) outcome = { inside: false, message: [].concat(refusal).join(" ") };
      else outcome = { inside: null, offline: failure.kind === "network" };
    }
    if (seq !== checkSeq) return;
    state.checking = false;
    state.inside = outcome.inside;
    state.address = outcome.address || "";
    if (outcome.inside === false) {
      place.dataset.place = "outside";
      say(addressText, "");
      say(error, `${outcome.message} ${strings.outside}`);
    } else if (outcome.inside) {
      place.dataset.place = "inside";
      say(addressText, state.address ? fill(strings.address_near, { address: state.address }) : strings.address_none);
    } else {
      place.dataset.place = "unknown";
      say(addressText, outcome.offline ? strings.place_unchecked : strings.address_unavailable);
    }
    listeners.forEach((listener) => listener(state));
  }

  /** The phone's position. On opening a position up to 30 s old will do; the button asks for a fresh one. */
  function locate({ fresh = false } = {}) {
    if (!("geolocation" in navigator)) {
      say(accuracyText, strings.geo_unsupported);
      return;
    }
    locateButton.setAttribute("aria-busy", "true");
    say(accuracyText, strings.geo_locating);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        locateButton.removeAttribute("aria-busy");
        const { latitude, longitude, accuracy } = position.coords;
        drawAccuracy(latitude, longitude, accuracy);
        setPin(latitude, longitude, { zoom: config.map.pin_zoom });
      },
      (failure) => {
        locateButton.removeAttribute("aria-busy");
        say(accuracyText, failure.code === failure.PERMISSION_DENIED ? strings.geo_denied : strings.geo_unavailable);
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: fresh ? 0 : 30000 },
    );
  }

  locateButton.addEventListener("click", () => locate({ fresh: true }));

  return {
    state,
    map,
    locate,
    check,
    onChange: (listener) => listeners.push(listener),
    showError: (text) => say(error, text),
    focusError: () => error.focus(),
  };
}
