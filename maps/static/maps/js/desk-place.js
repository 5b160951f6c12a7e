/*
 * The desk's place: the address search (the local geocoder forgives typos and missing accents), the pin on the map
 * (set by a chosen address or a click, dragged to the exact spot), the pin's address (reverse geocoding) and the
 * territory check (the routing preview refuses a point outside the city), both at once after every move.
 */

import { addressSearch } from "./address-search.js";
import { byId, fill } from "./meld-util.js";

export function setupPlace(ctx) {
  const { config, strings, api, state } = ctx;
  const needsLocation = () => config.kinds_needing_location.includes(state.kind);

  const place = byId("desk-place"); // data-place: checking, inside, outside or unknown (tests wait on it)
  const addressText = byId("desk-place-address");
  const searchInput = byId("desk-address-q");
  const searchStatus = byId("desk-search-status");
  const searchResults = byId("desk-search-results");
  const noLocation = byId("desk-no-location");

  let marker = null;
  let checkSeq = 0;
  let check = Promise.resolve({ inside: null });
  let inside = null;

  function say(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
  }

  const map = window.Meldpunt.createMap("desk-map", { label: strings.location_map_label });
  map.on("click", (event) => setPin(event.latlng.lat, event.latlng.lng));
  window.deskMap = map; // for the browser tests: they turn coordinates into pixels with it

  function drawPin() {
    if (state.lat === null) {
      if (marker) marker.remove();
      marker = null;
      return;
    }
    if (!marker) {
      marker = window.L.marker([state.lat, state.lon], {
        draggable: true,
        keyboard: false,
        alt: strings.pin_alt,
        autoPan: true,
        zIndexOffset: 1000, // above the numbered markers of the reports close by
      });
      marker.on("dragend", () => {
        const position = marker.getLatLng();
        setPin(position.lat, position.lng);
      });
      marker.addTo(map);
    } else {
      marker.setLatLng([state.lat, state.lon]);
    }
  }

  /** Put the pin at lat/lon (with the address when it came from the search) and check the place. */
  function setPin(lat, lon, { address = "", zoom = null } = {}) {
    state.lat = Math.round(lat * 1e6) / 1e6;
    state.lon = Math.round(lon * 1e6) / 1e6;
    state.address = address;
    state.no_location = false;
    noLocation.checked = false;
    drawPin();
    if (zoom) map.setView([state.lat, state.lon], zoom);
    else if (!map.getBounds().contains([state.lat, state.lon])) map.panTo([state.lat, state.lon]);
    ctx.clearError("location");
    ctx.placeChanged();
    return checkPlace();
  }

  function clearPin() {
    state.lat = null;
    state.lon = null;
    state.address = "";
    inside = null;
    delete place.dataset.place;
    checkSeq += 1;
    check = Promise.resolve({ inside: null });
    drawPin();
    say(addressText, "");
    ctx.clearError("location");
    ctx.placeChanged();
  }

  /** Territory (routing preview) and address (reverse geocoding) at once; late answers are ignored. */
  function checkPlace() {
    const seq = ++checkSeq;
    const { lat, lon } = state;
    const addressKnown = Boolean(state.address);
    inside = null;
    place.dataset.place = "checking";
    say(addressText, addressKnown ? fill(strings.address_near, { address: state.address }) : strings.location_checking);

    // The preview needs a category; before one is chosen any will do: the territory is the same for all.
    const territory = ctx.categoriesLoaded
      .then(() => api.get(config.urls.routing_preview, { lat, lon, category: ctx.previewCategory() }))
      .then(() => ({ inside: true }))
      .catch((error) => outsideFrom(error) || { inside: null });
    const address = addressKnown
      ? Promise.resolve({ address: state.address })
      : api
          .get(config.urls.geocode_reverse, { lat, lon })
          .then(({ data }) =>
            data.in_territory
              ? { address: (data.address && data.address.label) || "" }
              : { address: "", inside: false, message: data.message },
          )
          .catch((error) => ({
            address: "",
            ...(outsideFrom(error) || {}),
            failed: !outsideFrom(error),
          }));

    check = Promise.all([territory, address]).then(([t, a]) => {
      if (seq !== checkSeq) return { inside: null, stale: true };
      const outside = t.inside === false ? t : a.inside === false ? a : null;
      if (outside) {
        inside = false;
        place.dataset.place = "outside";
        say(addressText, "");
        ctx.fieldError("location", [outside.message]);
        return { inside: false };
      }
      inside = t.inside;
      place.dataset.place = inside ? "inside" : "unknown";
      if (!addressKnown) {
        state.address = a.address;
        say(
          addressText,
          a.address
            ? fill(strings.address_near, { address: a.address })
            : a.failed
              ? strings.address_unavailable
              : strings.address_none,
        );
      }
      return { inside };
    });
    return check;
  }

  /** The API's refusal of a place (400 at `location`, `lat` or `lon`) as {inside: false, message}. */
  function outsideFrom(error) {
    const body = error && error.kind === "invalid" ? error.body : null;
    const messages = body && (body.location || body.lat || body.lon);
    return messages ? { inside: false, message: [].concat(messages).join(" ") } : null;
  }

  // --- Address search ----------------------------------------------------------------------------------------

  async function search() {
    const found = await addressSearch({
      api,
      url: config.urls.geocode,
      q: searchInput.value,
      status: searchStatus,
      list: searchResults,
      strings,
      buttonClass: "desk-result",
      onChoose: choose,
      limit: 8,
    });
    // One answer or more: the agent confirms the first with one key (Enter) or clicks another.
    if (found) searchResults.querySelector("button").focus();
  }

  function choose(result) {
    searchResults.replaceChildren();
    searchStatus.textContent = "";
    searchInput.value = result.label;
    setPin(Number(result.lat), Number(result.lon), { address: result.label, zoom: config.map.pin_zoom });
    // The list is gone: the keyboard goes on to what the caller is asked next (the pin can still be dragged).
    byId("desk-category").focus();
  }

  byId("desk-address-go").addEventListener("click", search);
  searchInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // search, do not file the report
      search();
    }
  });
  noLocation.addEventListener("change", () => {
    if (noLocation.checked) {
      clearPin();
      state.no_location = true;
      say(addressText, strings.no_location_chosen);
    } else {
      state.no_location = false;
      say(addressText, "");
    }
  });

  return {
    map,
    clear: clearPin,
    /** Back to the start view for the next call. */
    reset() {
      const start = window.Meldpunt.mapConfig();
      map.setView(start.center, start.zoom);
    },
    /** Suggestions and compliments may be about no place: they get the "not about one place" choice. */
    refreshKind() {
      byId("desk-no-location-wrap").hidden = needsLocation();
      if (needsLocation() && state.no_location) {
        state.no_location = false;
        noLocation.checked = false;
        say(addressText, "");
      }
    },
    /** The place as the report needs it; shows the error at the place when not. */
    async validate() {
      if (!needsLocation() && state.lat === null) {
        state.no_location = true; // filing without a pin is that choice
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
