/*
 * The tracking page's small map: the report's place, with the base map around it. Needs basemap.js and
 * {{ track_map|json_script:"track-map-config" }} ({location: [lat, lon]}); the heading #place-title names the map.
 */
(function (window) {
  "use strict";

  var config = window.Meldpunt.jsonScript("track-map-config");
  if (!config || !config.location) return;
  var map = window.Meldpunt.createMap("track-map", {
    center: config.location,
    zoom: 17,
    labelledBy: "place-title",
    leaflet: { scrollWheelZoom: false },
  });
  window.L.marker(config.location, {
    icon: window.L.divIcon({ className: "report-icon report-icon--place", html: "", iconSize: [24, 24] }),
    interactive: false,
    keyboard: false,
  }).addTo(map);
})(window);
