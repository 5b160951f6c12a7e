/*
 * Meldpunt base map: one way to make a Leaflet map on every page, with the base layer the city configured.
 *
 * In the template (the two partials load Leaflet, this file and the config):
 *   {% block extra_head %}{% include "maps/partials/map_head.html" %}{% endblock %}
 *   {% block scripts %}{% include "maps/partials/map_scripts.html" %}<script src="...your.js"></script>{% endblock %}
 * and an element with a height for the map: <div id="my-map" class="map"></div>
 *
 * API (global `Meldpunt`):
 *   Meldpunt.createMap(elementId, options) -> L.Map
 *     elementId  id of the (empty) map element.
 *     options    all optional:
 *       center   [lat, lon] to start at (default: the config's, the city centre)
 *       zoom     start zoom (default: the config's)
 *       labelledBy  id of a visible heading that names the map (aria-labelledby); preferred over label
 *       label    accessible name of the map when no heading names it (default: "Map", translated)
 *       leaflet  extra L.Map options, e.g. {scrollWheelZoom: false}
 *       config   a config object instead of the one in <script id="map-config">
 *     The map gets the base layer (OpenStreetMap, GRB, or none: a plain light background and no
 *     attribution), translated zoom and popup-close labels, role="region" with its name, keyboard help
 *     (aria-describedby), and is focusable (Leaflet: arrow keys pan, +/- zoom). The zoom buttons come
 *     before the markers in the tab order.
 *   Meldpunt.mapConfig() -> the config rendered by {{ map_config|json_script:"map-config" }}:
 *     {layer, url, attribution, max_zoom, center: [lat, lon], zoom, detail_zoom, strings: {...}}
 *   Meldpunt.fetchJSON(url, {signal}) -> Promise of the parsed JSON. Sends the page's language as
 *     Accept-Language, so API texts (category names, errors) match the page even when the browser prefers another.
 *   Meldpunt.jsonScript(id) -> the parsed content of a json_script element (null when absent).
 *
 * Only the configured tile server is contacted; with layer "none" (tests) no outside request is made.
 */
(function (window, document) {
  "use strict";

  var Meldpunt = window.Meldpunt || {};

  function jsonScript(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function mapConfig() {
    var config = jsonScript("map-config");
    if (!config) {
      throw new Error("Meldpunt: no map config; include maps/partials/map_scripts.html in the page.");
    }
    return config;
  }

  function pageLanguage() {
    return document.documentElement.lang || "nl";
  }

  function fetchJSON(url, options) {
    options = options || {};
    return window
      .fetch(url, {
        headers: { Accept: "application/json", "Accept-Language": pageLanguage() },
        credentials: "same-origin",
        signal: options.signal,
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status + " for " + url);
        }
        return response.json();
      });
  }

  function translateControls(map, element, strings) {
    // Leaflet labels its popup close button in English; relabel each popup as it opens.
    map.on("popupopen", function (event) {
      var button = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button) {
        button.setAttribute("aria-label", strings.close_popup);
        button.setAttribute("title", strings.close_popup);
      }
    });
    // Keyboard help, read by screen readers when the map gets focus.
    var help = document.createElement("p");
    help.id = element.id + "-keyboard-help";
    help.className = "visually-hidden";
    help.textContent = strings.keyboard_help;
    element.parentNode.insertBefore(help, element.nextSibling);
    element.setAttribute("aria-describedby", help.id);
  }

  function createMap(elementId, options) {
    options = options || {};
    var config = options.config || mapConfig();
    var strings = config.strings || {};
    var element = document.getElementById(elementId);
    var withBase = config.layer !== "none" && config.url;

    var leafletOptions = {
      center: options.center || config.center,
      zoom: options.zoom !== undefined ? options.zoom : config.zoom,
      maxZoom: config.max_zoom,
      zoomControl: false,
      attributionControl: Boolean(withBase),
    };
    var extra = options.leaflet || {};
    Object.keys(extra).forEach(function (key) {
      leafletOptions[key] = extra[key];
    });

    var map = window.L.map(element, leafletOptions);
    window.L.control.zoom({ zoomInTitle: strings.zoom_in, zoomOutTitle: strings.zoom_out }).addTo(map);
    if (withBase) {
      window.L.tileLayer(config.url, { attribution: config.attribution, maxZoom: config.max_zoom }).addTo(map);
    } else {
      element.classList.add("map--no-base");
    }

    // Zoom buttons before the markers in the tab order: otherwise a keyboard user tabs through every marker
    // first. The controls are positioned absolutely, so moving them changes nothing on screen.
    var controls = element.querySelector(".leaflet-control-container");
    if (controls) element.insertBefore(controls, element.firstChild);

    element.setAttribute("role", "region");
    if (options.labelledBy && document.getElementById(options.labelledBy)) {
      element.setAttribute("aria-labelledby", options.labelledBy);
    } else {
      element.setAttribute("aria-label", options.label || strings.map_label);
    }
    translateControls(map, element, strings);
    return map;
  }

  Meldpunt.createMap = createMap;
  Meldpunt.mapConfig = mapConfig;
  Meldpunt.fetchJSON = fetchJSON;
  Meldpunt.jsonScript = jsonScript;
  window.Meldpunt = Meldpunt;
})(window, document);
