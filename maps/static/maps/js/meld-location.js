/*
 * Step "Where is it?": the pin on the map (click or tap, drag, "use my location", an address search, or the map's
 * centre for keyboard users), the pin's address (reverse geocoding) and the territory check, at once after every
 * move: a point in the sea or in a neighbouring town is refused before the reporter goes on.
 */

import { addressSearch } from "./address-search.js";
import { byId, fill, formatNumber } from "./meld-util.js";

// Above this the browser's position is a guess (wifi, cell towers): say so, and let the reporter move the pin.
const POOR_ACCURACY_M = 100;

export function setupLocation(ctx) {
  const { config, strings, api, state } = ctx;
  const needsLocation = () => config.kinds_needing_location.includes(state.kind);

  let map = null;
  let marker = null;
  let accuracyCircle = null;
  let checkSeq = 0;
  let check = Promise.resolve({ inside: null });
  let inside = null; // true: in the territory; false: outside; null: not known (yet, or the check failed)

  const texts = {
    pin: byId("meld-place-pin"),
    accuracy: byId("meld-place-accuracy"),
    address: byId("meld-place-address"),
  };
  const place = byId("meld-place"); // data-place: checking, inside, outside or unknown (tests wait on it)
  const noLocation = byId("meld-no-location");
  const geolocateButton = byId("meld-geolocate");
  const searchInput = byId("meld-address-q");
  const searchButton = byId("meld-address-go");
  const searchStatus = byId("meld-search-status");
  const searchResults = byId("meld-search-results");

  function say(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
  }

  // --- The map and the pin -----------------------------------------------------------------------------------

  function ensureMap() {
    if (map) {
      map.invalidateSize();
      if (state.lat !== null && !map.getBounds().contains([state.lat, state.lon])) {
        map.setView([state.lat, state.lon], Math.max(map.getZoom(), config.map.pin_zoom - 1));
      }
      return map;
    }
    const start = state.lat !== null ? { center: [state.lat, state.lon], zoom: config.map.pin_zoom } : {};
    map = window.Meldpunt.createMap("meld-map", { ...start, label: strings.location_map_label });
    const mapElement = byId("meld-map");
    mapElement.setAttribute(
      "aria-describedby",
      `${mapElement.getAttribute("aria-describedby") || ""} meld-location-help err-location`.trim(),
    );
    map.on("click", (event) => setPin(event.latlng.lat, event.latlng.lng, { source: "map" }));
    window.meldMap = map; // for the browser tests: they turn coordinates into pixels with it
    drawPin();
    return map;
  }

  function drawPin() {
    if (!map) return;
    if (state.lat === null) {
      if (marker) marker.remove();
      if (accuracyCircle) accuracyCircle.remove();
      marker = null;
      accuracyCircle = null;
      return;
    }
    const latlng = [state.lat, state.lon];
    if (!marker) {
      marker = window.L.marker(latlng, { draggable: true, keyboard: false, alt: strings.pin_alt, autoPan: true });
      marker.on("dragend", () => {
        const position = marker.getLatLng();
        setPin(position.lat, position.lng, { source: "drag" });
      });
      marker.addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
    if (accuracyCircle) accuracyCircle.remove();
    accuracyCircle = state.accuracy
      ? window.L.circle(latlng, {
          radius: state.accuracy,
          interactive: false,
          weight: 1,
          color: "#0b4f8a",
          fillOpacity: 0.12,
        }).addTo(map)
      : null;
  }

  /**
   * Put the pin at lat/lon, show what is known about the place and check it. Returns the check's promise:
   * {inside: true|false|null, message, address}.
   */
  function setPin(lat, lon, { source = "map", accuracy = null, address = "", zoom = null } = {}) {
    state.lat = Math.round(lat * 1e6) / 1e6;
    state.lon = Math.round(lon * 1e6) / 1e6;
    state.accuracy = accuracy ? Math.round(accuracy) : null;
    state.address = address || "";
    state.no_location = false;
    noLocation.checked = false;
    if (map) {
      drawPin();
      if (zoom) map.setView([state.lat, state.lon], zoom);
      else if (!map.getBounds().contains([state.lat, state.lon])) map.panTo([state.lat, state.lon]);
    }
    say(texts.pin, strings.pin_placed);
    showAccuracy();
    ctx.clearError("location");
    const checked = checkPlace(); // first, so that whoever hears of the move can wait for this place's check
    ctx.placeChanged(source);
    ctx.save();
    return checked;
  }

  function clearPin() {
    state.lat = null;
    state.lon = null;
    state.accuracy = null;
    state.address = "";
    inside = null;
    delete place.dataset.place;
    checkSeq += 1;
    check = Promise.resolve({ inside: null });
    drawPin();
    say(texts.pin, "");
    say(texts.accuracy, "");
    say(texts.address, "");
    ctx.clearError("location");
    ctx.placeChanged("clear");
  }

  function showAccuracy() {
    if (!state.accuracy) {
      say(texts.accuracy, "");
      return;
    }
    const template = state.accuracy > POOR_ACCURACY_M ? strings.accuracy_poor : strings.accuracy;
    say(texts.accuracy, fill(template, { metres: formatNumber(state.accuracy) }));
  }

  /**
   * Territory and address in one question: reverse geocoding answers both, with a 200 also for the sea or a place
   * far from any house (no address, and why). No category is needed, so nothing is asked that the API would
   * refuse. Late answers are ignored.
   */
  function checkPlace() {
    const seq = ++checkSeq;
    const { lat, lon } = state;
    const addressKnown = Boolean(state.address);
    inside = null;
    place.dataset.place = "checking";
    if (addressKnown) say(texts.address, fill(strings.address_near, { address: state.address }));
    else say(texts.address, strings.location_checking);

    check = api
      .get(config.urls.geocode_reverse, { lat, lon })
      .then(({ data }) => ({
        inside: typeof data.in_territory === "boolean" ? data.in_territory : null,
        address: (data.address && data.address.label) || "",
        message: data.message || "",
        failed: false,
      }))
      .catch(() => ({ inside: null, address: "", message: "", failed: true }))
      .then((answer) => {
        if (seq !== checkSeq) return { inside: null, stale: true };
        if (answer.inside === false) {
          inside = false;
          place.dataset.place = "outside";
          say(texts.pin, "");
          say(texts.address, "");
          ctx.fieldError("location", [answer.message]);
          return { inside: false, message: answer.message };
        }
        inside = answer.inside;
        place.dataset.place = inside ? "inside" : "unknown";
        if (!addressKnown) {
          state.address = answer.address;
          ctx.save();
          say(
            texts.address,
            answer.address
              ? fill(strings.address_near, { address: answer.address })
              : answer.failed
                ? strings.address_unavailable
                : strings.address_none,
          );
        }
        return { inside, address: state.address };
      });
    return check;
  }

  // --- Use my location -----------------------------------------------------------------------------------------

  function geolocate() {
    if (!("geolocation" in navigator)) {
      say(texts.accuracy, strings.geo_unsupported);
      return;
    }
    geolocateButton.disabled = true;
    geolocateButton.setAttribute("aria-busy", "true");
    say(texts.accuracy, strings.geo_locating);
    const done = () => {
      geolocateButton.disabled = false;
      geolocateButton.removeAttribute("aria-busy");
    };
    navigator.geolocation.getCurrentPosition(
      (position) => {
        done();
        const { latitude, longitude, accuracy } = position.coords;
        setPin(latitude, longitude, { source: "gps", accuracy, zoom: config.map.pin_zoom });
      },
      (error) => {
        done();
        say(texts.accuracy, error.code === error.PERMISSION_DENIED ? strings.geo_denied : strings.geo_unavailable);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  // --- Address search --------------------------------------------------------------------------------------------

  async function search() {
    await addressSearch({
      api,
      url: config.urls.geocode,
      q: searchInput.value,
      status: searchStatus,
      list: searchResults,
      strings,
      buttonClass: "meld-result",
      onChoose: chooseResult,
    });
  }

  function chooseResult(result) {
    searchResults.replaceChildren();
    searchStatus.textContent = "";
    setPin(Number(result.lat), Number(result.lon), {
      source: "search",
      address: result.label,
      zoom: config.map.pin_zoom,
    });
    // The list is gone: give keyboard users the obvious next move. The place is announced by the live region.
    byId("step-location").querySelector("[data-next]").focus();
  }

  // --- Wiring --------------------------------------------------------------------------------------------------

  geolocateButton.addEventListener("click", geolocate);
  searchButton.addEventListener("click", search);
  searchInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // search, do not go to the next step
      search();
    }
  });
  byId("meld-pin-centre").addEventListener("click", () => {
    const centre = ensureMap().getCenter();
    setPin(centre.lat, centre.lng, { source: "centre" });
  });
  noLocation.addEventListener("change", () => {
    if (noLocation.checked) {
      clearPin();
      state.no_location = true;
      say(texts.pin, strings.no_location_chosen);
    } else {
      state.no_location = false;
      say(texts.pin, "");
    }
    ctx.save();
  });

  return {
    ensureMap,
    setPin,
    /** The check of the pin as it is now: {inside: true|false|null, ...} (stale: a newer pin replaced it). */
    placeCheck: () => check,
    /** Kinds that may skip the place (suggestions, compliments) get the "not about one place" choice. */
    refreshKind() {
      byId("meld-no-location-wrap").hidden = needsLocation();
      if (needsLocation() && state.no_location) {
        state.no_location = false;
        noLocation.checked = false;
        say(texts.pin, "");
      }
    },
    restore() {
      noLocation.checked = Boolean(state.no_location) && !needsLocation();
      if (noLocation.checked) say(texts.pin, strings.no_location_chosen);
      if (state.lat !== null) {
        say(texts.pin, strings.pin_placed);
        showAccuracy();
        checkPlace();
      }
    },
    async validate() {
      if (!needsLocation() && (state.no_location || state.lat === null)) {
        // Suggestions and compliments may skip the place: going on without a pin is that choice.
        state.no_location = true;
        noLocation.checked = true;
        return true;
      }
      if (state.lat === null) {
        ctx.fieldError("location", [strings.choose_location]);
        return false;
      }
      const result = await check;
      return result.inside !== false && inside !== false;
    },
  };
}
