/*
 * /inzicht/kaart/: the planners' heatmap. Reads GET /api/v1/insight/cells/ for the area shown and the chosen
 * filters, and draws the cells as a heat layer (insight-heatlayer.js) or as squares coloured by class, with the
 * legend and the table of the highest squares (the same figures, for those who do not use the map).
 *
 * Colours: five classes of viridis, light yellow (few) to dark purple (many). Lightness rises steadily with the
 * value, so the order reads without telling hues apart (colour-blind readers, grey-scale print); the legend says
 * every class in numbers. Only the newest request may draw: an answer that arrives after a newer one was asked
 * is dropped (and aborted), so a quick pan or filter change never shows an older view's figures.
 */
(function (window, document, L, Meldpunt) {
  "use strict";

  var CLASS_COLOURS = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
  var FILTERS = ["kind", "category", "status", "from", "to", "weight"];
  var TOP = 10;

  var config = Meldpunt.jsonScript("heatmap-config");
  var strings = config.strings;
  var language = document.documentElement.lang || "nl";
  var numbers = new Intl.NumberFormat(language);
  var decimals = new Intl.NumberFormat(language, { maximumFractionDigits: 1, minimumFractionDigits: 1 });

  var form = document.getElementById("heat-filters");
  var summary = document.getElementById("heat-summary");
  var map = Meldpunt.createMap("heat-map", { labelledBy: "heat-title" });
  var current = null;
  var controller = null;
  var sequence = 0;
  var moveTimer = null;
  var lastQuery = "";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_all, key) {
      return values[key];
    });
  }

  function classOf(value, breaks) {
    for (var i = 0; i < breaks.length; i++) {
      if (value <= breaks[i]) {
        return i;
      }
    }
    return breaks.length - 1;
  }

  // The classes use the palette's last colours when there are fewer than five (the darkest is always the maximum).
  function colourOf(index, breaks) {
    return CLASS_COLOURS[CLASS_COLOURS.length - breaks.length + index];
  }

  var heatLayer = Meldpunt.heatLayer([], {
    // A cell of class k alone is painted with weight (k + 1) / classes: its centre gets its class's colour.
    palette: ["#fde725"].concat(CLASS_COLOURS),
    opacity: 0.85,
  });
  var cellsLayer = L.geoJSON(null, {
    style: function (feature) {
      var breaks = current ? current.breaks : [];
      return {
        color: "#ffffff",
        weight: 1,
        fillOpacity: 0.85,
        fillColor: colourOf(classOf(feature.properties.value, breaks), breaks),
      };
    },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(cellLabel(feature.properties));
    },
  });

  function filterParams() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    FILTERS.forEach(function (name) {
      var value = data.get(name);
      if (value) {
        params.set(name, value);
      }
    });
    return params;
  }

  function chosenView() {
    return new FormData(form).get("view") || "heat";
  }

  function cellLabel(p) {
    return format(strings.cell_label, {
      value: numbers.format(p.value),
      count: numbers.format(p.count),
      impact: p.impact_mean === null ? strings.no_impact : decimals.format(p.impact_mean),
    });
  }

  function showErrors(body) {
    var shown = [];
    form.querySelectorAll("[data-error-for]").forEach(function (element) {
      var name = element.getAttribute("data-error-for");
      var messages = body && body[name];
      var control = form.querySelector('[name="' + name + '"]');
      element.hidden = !messages;
      element.textContent = messages ? messages.join(" ") : "";
      if (control) {
        if (messages) {
          control.setAttribute("aria-invalid", "true");
        } else {
          control.removeAttribute("aria-invalid");
        }
      }
      if (messages) {
        shown.push(messages.join(" "));
      }
    });
    if (body && body.bbox) {
      shown.push(body.bbox.join(" "));
    }
    if (body && body.detail) {
      shown.push(body.detail);
    }
    return shown;
  }

  function renderLegend() {
    var list = document.getElementById("heat-legend-classes");
    var note = document.getElementById("heat-legend-note");
    var breaks = current.breaks;
    document.getElementById("heat-legend-measure").textContent =
      current.weight === "impact" ? strings.legend_impact : strings.legend_count;
    list.textContent = "";
    breaks.forEach(function (high, index) {
      var low = index === 0 ? 1 : breaks[index - 1] + 1;
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "heat-legend__swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.background = colourOf(index, breaks);
      item.appendChild(swatch);
      item.appendChild(
        document.createTextNode(
          low >= high
            ? numbers.format(high)
            : format(strings.legend_range, { low: numbers.format(low), high: numbers.format(high) })
        )
      );
      list.appendChild(item);
    });
    note.hidden = chosenView() !== "heat" || !breaks.length;
    note.textContent = strings.legend_heat_note;
  }

  function renderTable() {
    var body = document.getElementById("heat-table-body");
    var features = current.features.slice(0, TOP);
    document.getElementById("heat-table-value").textContent =
      current.weight === "impact" ? strings.legend_impact : strings.legend_count;
    body.textContent = "";
    features.forEach(function (feature, index) {
      var p = feature.properties;
      var row = document.createElement("tr");
      var place = p.place || format(strings.near, { lat: p.centre[1].toFixed(5), lon: p.centre[0].toFixed(5) });
      var cells = [
        numbers.format(index + 1),
        place,
        numbers.format(p.value),
        numbers.format(p.count),
        p.impact_mean === null ? strings.no_impact : decimals.format(p.impact_mean),
      ];
      cells.forEach(function (text, column) {
        var cell = document.createElement(column === 0 ? "th" : "td");
        if (column === 0) {
          cell.scope = "row";
        }
        cell.textContent = text;
        row.appendChild(cell);
      });
      var action = document.createElement("td");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small";
      // The visible words start the accessible name; the rank tells the buttons apart for a screen reader.
      button.textContent = strings.show + " ";
      var rank = document.createElement("span");
      rank.className = "visually-hidden";
      rank.textContent = "(" + format(strings.show_rank, { rank: index + 1 }) + ")";
      button.appendChild(rank);
      button.addEventListener("click", function () {
        map.setView([p.centre[1], p.centre[0]], Math.min(map.getZoom() + 2, map.getMaxZoom()));
        document.getElementById("heat-map").focus();
      });
      action.appendChild(button);
      row.appendChild(action);
      body.appendChild(row);
    });
    document.getElementById("heat-table").hidden = !features.length;
    document.getElementById("heat-table-empty").hidden = !!features.length;
  }

  function renderSummary() {
    if (!current.features.length) {
      summary.textContent = strings.empty;
      return;
    }
    var metres = Math.round(current.cell_size_m * Math.cos((map.getCenter().lat * Math.PI) / 180));
    var values = {
      total: numbers.format(current.total),
      cells: numbers.format(current.features.length),
      metres: numbers.format(metres),
    };
    var template =
      current.weight === "impact"
        ? strings.summary_impact
        : strings.summary_count[current.total === 1 ? "one" : "other"];
    summary.textContent = format(template, values);
  }

  function draw() {
    if (!current) {
      return;
    }
    var breaks = current.breaks;
    var heat = chosenView() === "heat";
    document.getElementById("heat-map").setAttribute("data-view", heat ? "heat" : "cells");
    cellsLayer.clearLayers();
    if (heat) {
      var radius = function (feature) {
        var ring = feature.geometry.coordinates[0];
        var low = map.latLngToContainerPoint([ring[0][1], ring[0][0]]);
        var high = map.latLngToContainerPoint([ring[2][1], ring[2][0]]);
        return Math.max(12, Math.abs(high.x - low.x));
      };
      heatLayer.setPoints(
        current.features.map(function (feature) {
          var p = feature.properties;
          return {
            lat: p.centre[1],
            lng: p.centre[0],
            weight: (classOf(p.value, breaks) + 1 + CLASS_COLOURS.length - breaks.length) / CLASS_COLOURS.length,
            radius: radius(feature),
          };
        })
      );
      map.removeLayer(cellsLayer);
      heatLayer.addTo(map);
    } else {
      map.removeLayer(heatLayer);
      cellsLayer.addData(current.features);
      cellsLayer.addTo(map);
    }
    renderLegend();
    renderTable();
    renderSummary();
  }

  function syncAddresses() {
    var params = filterParams();
    var view = chosenView();
    if (view !== "heat") {
      params.set("view", view);
    }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    var tiles = filterParams().toString();
    document.getElementById("heat-tiles-url").textContent =
      window.location.origin + config.urls.tiles + (tiles ? "?" + tiles : "");
  }

  function load(fromMove) {
    var bounds = map.getBounds();
    var params = filterParams();
    params.set(
      "bbox",
      [
        Math.max(bounds.getWest(), -180),
        Math.max(bounds.getSouth(), -85),
        Math.min(bounds.getEast(), 180),
        Math.min(bounds.getNorth(), 85),
      ]
        .map(function (v) {
          return v.toFixed(6);
        })
        .join(",")
    );
    params.set("zoom", map.getZoom());
    var query = params.toString();
    if (fromMove && query === lastQuery) {
      return; // the map settled where it already was (a resize, a click without a drag): nothing new to ask
    }
    lastQuery = query;
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var mine = ++sequence;
    syncAddresses();
    summary.textContent = strings.loading;
    form.setAttribute("aria-busy", "true");
    window
      .fetch(config.urls.cells + "?" + query, {
        headers: { Accept: "application/json", "Accept-Language": language },
        credentials: "same-origin",
        signal: controller.signal,
      })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (mine !== sequence) {
          return;
        }
        form.removeAttribute("aria-busy");
        var problems = showErrors(result.ok ? null : result.body);
        if (!result.ok) {
          summary.textContent = problems.join(" ") || strings.failed;
          return;
        }
        current = result.body;
        draw();
        var element = document.getElementById("heat-map");
        element.setAttribute("data-loaded", String(mine));
        element.setAttribute("data-query", query);
      })
      .catch(function (error) {
        if (error.name === "AbortError" || mine !== sequence) {
          return;
        }
        form.removeAttribute("aria-busy");
        summary.textContent = strings.failed;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(false);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "view") {
      syncAddresses();
      draw();
    } else {
      load(false);
    }
  });
  map.on("moveend", function () {
    window.clearTimeout(moveTimer);
    moveTimer = window.setTimeout(function () {
      load(true);
    }, 150);
  });
  form.classList.add("heat-filters--live");
  window.heatmap = { map: map, reload: load };
  load(false);
})(window, document, L, window.Meldpunt);
