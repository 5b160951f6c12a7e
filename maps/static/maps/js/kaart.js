/*
 * The public map of reports (/kaart/ and the home page). Needs basemap.js and a config rendered by the view:
 *   {{ kaart|json_script:"kaart-config" }}  (maps/views/public.py, _kaart_context)
 * and, in the page:
 *   <div id="kaart-map" data-kaart ...>        the map (data-kaart-interactive="false": a preview that does not
 *                                               take one-finger drags on touch screens, so the page still scrolls)
 *   <p id="kaart-summary" aria-live="polite">  what is visible, in words
 *   <div id="kaart-list">                      the reports one by one (detail zoom only), optional
 *   <form id="kaart-filters">                  category and status selects, optional
 *
 * Below the detail zoom the map shows clusters counted by the server (/api/v1/reports/clusters/), so it stays
 * fast with any number of reports; from the detail zoom on it shows the reports themselves (/api/v1/reports/).
 * Nothing personal is ever asked for: both endpoints only return public fields.
 */
(function (window, document) {
  "use strict";

  var L = window.L;
  var Meldpunt = window.Meldpunt;
  var DEBOUNCE_MS = 250;
  // The city and its surroundings; further out the clusters would say nothing.
  var MIN_ZOOM = 10;

  function lang() {
    return document.documentElement.lang || "nl";
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return values[name] !== undefined ? values[name] : match;
    });
  }

  function plural(forms, count) {
    var rule = new Intl.PluralRules(lang()).select(count);
    return fill(rule === "one" ? forms.one : forms.other, { count: new Intl.NumberFormat(lang()).format(count) });
  }

  function formatDate(iso) {
    return new Intl.DateTimeFormat(lang(), { dateStyle: "long" }).format(new Date(iso));
  }

  function query(params) {
    return Object.keys(params)
      .filter(function (key) {
        return params[key] !== "" && params[key] !== null && params[key] !== undefined;
      })
      .map(function (key) {
        return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]);
      })
      .join("&");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function PublicMap(config, mapConfig) {
    this.config = config;
    this.strings = config.strings;
    this.detailZoom = mapConfig.detail_zoom;
    this.filters = { category: config.filters.category, status: config.filters.status };
    this.mapElement = document.querySelector("[data-kaart]");
    this.summary = document.getElementById("kaart-summary");
    this.list = document.getElementById("kaart-list");
    this.form = document.getElementById("kaart-filters");
    this.timer = null;
    this.controller = null;
    // Each view gets a number; only the answer for the latest one is shown (see load).
    this.sequence = 0;

    var interactive = this.mapElement.getAttribute("data-kaart-interactive") !== "false";
    var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    this.map = Meldpunt.createMap(this.mapElement.id, {
      labelledBy: this.mapElement.getAttribute("data-kaart-labelledby") || undefined,
      leaflet: interactive ? { minZoom: MIN_ZOOM } : { minZoom: MIN_ZOOM, scrollWheelZoom: false, dragging: !touch },
    });
    this.layer = L.layerGroup().addTo(this.map);
    // Markers by key: a refresh keeps the markers that are still there, so an open popup and the keyboard
    // focus survive the map moving (opening a popup pans the map, which refreshes it).
    this.markers = {};
    this.map.on("moveend", this.schedule, this);
    this.bindFilters();
    this.load();
  }

  PublicMap.prototype.sync = function (entries) {
    var self = this;
    var wanted = {};
    entries.forEach(function (entry) {
      wanted[entry.key] = entry;
    });
    Object.keys(this.markers).forEach(function (key) {
      if (!wanted[key]) {
        self.layer.removeLayer(self.markers[key]);
        delete self.markers[key];
      }
    });
    entries.forEach(function (entry) {
      if (!self.markers[entry.key]) {
        self.markers[entry.key] = entry.make();
        self.layer.addLayer(self.markers[entry.key]);
      }
    });
  };

  PublicMap.prototype.clear = function () {
    this.layer.clearLayers();
    this.markers = {};
  };

  PublicMap.prototype.setState = function (state) {
    // "loading", "ready" or "error": lets tests (and styles) know when what is shown matches the map.
    this.summary.setAttribute("data-state", state);
    if (state === "loading") this.mapElement.setAttribute("aria-busy", "true");
    else this.mapElement.removeAttribute("aria-busy");
  };

  PublicMap.prototype.schedule = function () {
    // The view changed: whatever is still on its way describes the old one. Drop it now, not when the new
    // request leaves after the debounce, or an answer arriving meanwhile would be drawn over the new view.
    this.cancel();
    this.setState("loading");
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(this.load.bind(this), DEBOUNCE_MS);
  };

  PublicMap.prototype.bindFilters = function () {
    if (!this.form) return;
    var self = this;
    this.form.classList.add("filters--live");
    this.form.addEventListener("change", function () {
      self.readFilters();
      self.load();
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.readFilters();
      self.load();
    });
  };

  PublicMap.prototype.readFilters = function () {
    this.filters.category = this.form.elements.category.value;
    this.filters.status = this.form.elements.status.value;
    // Keep the filters in the address, so that the page can be shared and reloads as it was.
    var search = query({ category: this.filters.category, status: this.filters.status === "all" ? "" : this.filters.status });
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  };

  PublicMap.prototype.cancel = function () {
    this.sequence += 1;
    if (this.controller) this.controller.abort();
    this.controller = null;
  };

  PublicMap.prototype.load = function () {
    this.cancel();
    var ticket = this.sequence;
    this.controller = new AbortController();
    var zoom = this.map.getZoom();
    var bounds = this.map.getBounds();
    // The API wants a box on the globe; a map zoomed far out can show more than one world.
    var bbox = [
      Math.max(-180, bounds.getWest()),
      Math.max(-90, bounds.getSouth()),
      Math.min(180, bounds.getEast()),
      Math.min(90, bounds.getNorth()),
    ];
    var params = {
      bbox: bbox.join(","),
      category: this.filters.category,
      status: this.config.statuses[this.filters.status].join(","),
    };
    var detailed = zoom >= this.detailZoom;
    var url;
    if (detailed) {
      params.page_size = this.config.page_size;
      url = this.config.urls.reports + "?" + query(params);
    } else {
      params.zoom = zoom;
      url = this.config.urls.clusters + "?" + query(params);
    }
    window.clearTimeout(this.timer);
    this.setState("loading");
    var self = this;
    Meldpunt.fetchJSON(url, { signal: this.controller.signal })
      .then(function (collection) {
        // A late answer (the view or the filters changed since it was asked) must never replace a newer one;
        // aborting is not enough, as an answer may already be parsed when the view changes.
        if (ticket !== self.sequence) return;
        if (detailed) self.showReports(collection);
        else self.showClusters(collection);
        self.setState("ready");
      })
      .catch(function (error) {
        if (error.name === "AbortError" || ticket !== self.sequence) return;
        self.clear();
        self.summary.textContent = self.strings.load_failed;
        self.summary.removeAttribute("data-total");
        self.summary.removeAttribute("data-more");
        if (self.list) self.list.replaceChildren();
        self.setState("error");
      });
  };

  PublicMap.prototype.showClusters = function (collection) {
    var self = this;
    var total = 0;
    var entries = collection.features.map(function (feature) {
      var count = feature.properties.count;
      total += count;
      var coords = feature.geometry.coordinates;
      var cell = feature.properties.cell;
      return {
        key: "cluster:" + cell.join(",") + ":" + count + ":" + coords.join(","),
        make: function () {
          return self.clusterMarker(L.latLng(coords[1], coords[0]), count, cell);
        },
      };
    });
    this.sync(entries);
    this.summary.textContent = total
      ? plural(this.strings.reports_in_area, total) + ". " + this.strings.zoom_in_for_details
      : this.strings.no_reports;
    this.summary.setAttribute("data-total", String(total));
    this.summary.removeAttribute("data-more");
    if (this.list) this.list.replaceChildren();
  };

  PublicMap.prototype.clusterMarker = function (latlng, count, cell) {
    var self = this;
    var label = plural(this.strings.cluster_label, count);
    // Bigger circles for more reports, on a log scale so that a busy street does not cover the town.
    var size = Math.round(Math.min(52, 32 + 5 * Math.log10(count)));
    var marker = L.marker(latlng, {
      icon: L.divIcon({
        className: "cluster-icon",
        // Short on the map ("7,4K"), in full in the label and the summary.
        html:
          '<span aria-hidden="true">' +
          new Intl.NumberFormat(lang(), { notation: "compact", maximumFractionDigits: 1 }).format(count) +
          "</span>",
        iconSize: [size, size],
      }),
      keyboard: true,
      title: label,
    });
    // Selecting a cluster shows its cell ([minlon, minlat, maxlon, maxlat]), at most at the detail zoom.
    var zoomIn = function () {
      var bounds = L.latLngBounds([cell[1], cell[0]], [cell[3], cell[2]]);
      var zoom = Math.min(self.map.getBoundsZoom(bounds), self.detailZoom);
      self.map.setView(bounds.getCenter(), Math.max(zoom, self.map.getZoom() + 1));
    };
    marker.on("click", zoomIn);
    marker.on("add", function () {
      var icon = marker.getElement();
      icon.setAttribute("aria-label", label);
      icon.setAttribute("data-count", String(count));
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          zoomIn();
        }
      });
    });
    return marker;
  };

  PublicMap.prototype.showReports = function (collection) {
    var self = this;
    var items = collection.features.map(function (feature) {
      return feature.properties;
    });
    this.sync(
      collection.features.map(function (feature) {
        return {
          key: "report:" + feature.properties.reference + ":" + feature.properties.status,
          make: function () {
            return self.reportMarker(feature);
          },
        };
      })
    );
    // The list is not counted (that would read every report in view); a next page means there are more.
    var more = Boolean(collection.next);
    var text;
    if (more) {
      var shown = new Intl.NumberFormat(lang()).format(items.length);
      text = fill(this.strings.more_than_shown, { shown: shown }) + " " + fill(this.strings.showing_most_recent, { shown: shown });
    } else {
      text = items.length ? plural(this.strings.reports_in_area, items.length) + "." : this.strings.no_reports;
    }
    this.summary.textContent = text;
    this.summary.setAttribute("data-total", String(items.length));
    if (more) this.summary.setAttribute("data-more", "true");
    else this.summary.removeAttribute("data-more");
    this.renderList(items);
  };

  PublicMap.prototype.reportMarker = function (feature) {
    var p = feature.properties;
    var coords = feature.geometry.coordinates;
    var isOpen = this.config.open_statuses.indexOf(p.status) !== -1;
    var label = fill(this.strings.marker_label, { category: p.category_name, status: p.status_display });
    var marker = L.marker(L.latLng(coords[1], coords[0]), {
      icon: L.divIcon({
        className: "report-icon report-icon--" + (isOpen ? "open" : "solved"),
        html: '<span aria-hidden="true">' + (isOpen ? "!" : "✓") + "</span>",
        iconSize: [32, 32],
      }),
      keyboard: true,
      title: label,
    });
    var width = this.mapElement.clientWidth;
    // Room on the left for the zoom buttons, which lie above popups.
    marker.bindPopup(this.popup(p), {
      maxWidth: Math.min(300, width - 80),
      autoPanPaddingTopLeft: [64, 12],
      autoPanPaddingBottomRight: [12, 12],
    });
    marker.on("add", function () {
      marker.getElement().setAttribute("aria-label", label);
      marker.getElement().setAttribute("data-reference", p.reference);
    });
    return marker;
  };

  PublicMap.prototype.popup = function (p) {
    var s = this.strings;
    var box = element("div", "report-popup");
    box.appendChild(element("p", "report-popup__title", p.category_name));
    var dl = element("dl");
    var rows = [
      [s.status, p.status_display],
      [s.reported_on, formatDate(p.created_at)],
      [s.handled_by, p.department],
      [s.address, p.address],
      [s.reference, p.reference],
    ];
    rows.forEach(function (row) {
      if (!row[1]) return;
      dl.appendChild(element("dt", "", row[0]));
      dl.appendChild(element("dd", "", row[1]));
    });
    box.appendChild(dl);
    (p.photos || []).forEach(function (url, i) {
      var img = element("img", "report-popup__photo");
      img.src = url;
      img.alt = s.photo_alt.replace("%(number)s", String(i + 1));
      img.loading = "lazy";
      box.appendChild(img);
    });
    return box;
  };

  PublicMap.prototype.renderList = function (items) {
    if (!this.list) return;
    if (!items.length) {
      this.list.replaceChildren();
      return;
    }
    var heading = element("h2", "", this.strings.list_heading);
    var ul = element("ul", "report-list");
    items.forEach(function (p) {
      var li = element("li");
      li.appendChild(element("strong", "", p.category_name));
      li.appendChild(document.createTextNode(" – " + p.status_display + " – " + formatDate(p.created_at)));
      if (p.address) li.appendChild(document.createTextNode(" – " + p.address));
      li.appendChild(element("span", "report-list__reference", " (" + p.reference + ")"));
      ul.appendChild(li);
    });
    this.list.replaceChildren(heading, ul);
  };

  function start() {
    var config = Meldpunt.jsonScript("kaart-config");
    if (!config || !document.querySelector("[data-kaart]")) return;
    window.Meldpunt.publicMap = new PublicMap(config, Meldpunt.mapConfig());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(window, document);
