/*
 * The back office's maps: the queue's reports (this page's rows) and a report with its open neighbours.
 * Needs basemap.js and {{ ...|json_script:"bo-map-data" }}:
 *   {label, center?: [lat, lon], report?: {lat, lon, label}, markers: [{lat, lon, reference, url, label, overdue?}]}
 * The same reports are listed in the page with links, so markers stay out of the tab order (a queue of 50
 * markers would put 50 tab stops before the list); the map itself is focusable and pans with the keyboard.
 */
(function (window, document) {
  "use strict";

  var Meldpunt = window.Meldpunt;
  var L = window.L;
  var data = Meldpunt.jsonScript("bo-map-data");
  if (!data || !document.getElementById("bo-map")) return;

  var map = Meldpunt.createMap("bo-map", {
    center: data.center || undefined,
    zoom: data.center ? 17 : undefined,
    label: data.label,
    leaflet: { scrollWheelZoom: false },
  });
  var points = [];

  function icon(className, text) {
    return L.divIcon({
      className: className,
      html: text ? '<span aria-hidden="true">' + text + "</span>" : "",
      iconSize: [26, 26],
    });
  }

  if (data.report) {
    L.marker([data.report.lat, data.report.lon], {
      icon: icon("bo-marker bo-marker--this", "★"),
      interactive: false,
      keyboard: false,
      title: data.report.label,
      zIndexOffset: 1000,
    }).addTo(map);
    points.push([data.report.lat, data.report.lon]);
  }

  (data.markers || []).forEach(function (m) {
    var marker = L.marker([m.lat, m.lon], {
      icon: icon("bo-marker" + (m.overdue ? " bo-marker--overdue" : ""), m.overdue ? "!" : ""),
      keyboard: false,
      title: m.label,
    });
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.label;
    marker.bindPopup(link);
    marker.on("add", function () {
      marker.getElement().setAttribute("data-reference", m.reference);
    });
    marker.addTo(map);
    points.push([m.lat, m.lon]);
  });

  // Show every marker: the queue's rows, or the report with its neighbours (never closer than street level).
  if (points.length > 1 || (!data.center && points.length)) {
    map.fitBounds(points, { padding: [30, 30], maxZoom: 17 });
  }
})(window, document);
