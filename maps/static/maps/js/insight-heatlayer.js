/*
 * A heat layer for Leaflet, drawn on one canvas: Meldpunt.HeatLayer(points, options).
 *
 *   points   [{lat, lng, weight (0..1), radius (pixels at the current zoom)}]; set again with setPoints(points).
 *   options  {palette: ["#rrggbb", ...] from low to high, opacity: 0..1 (default 0.8)}
 *
 * How it draws: every point is a soft disc (a radial gradient from opaque to transparent) painted with its weight
 * as alpha onto a grey-scale canvas, so neighbouring discs add up; then each pixel's summed alpha is looked up in
 * the palette (256 steps between its colours). Redrawn after every move and zoom; hidden during the zoom animation.
 * No outside asset, no plugin.
 */
(function (window, document, L) {
  "use strict";

  var Meldpunt = window.Meldpunt || (window.Meldpunt = {});

  function hexToRgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function paletteSteps(colours) {
    // 256 RGB triples, interpolated linearly between the palette's colours.
    var rgb = colours.map(hexToRgb);
    var steps = new Uint8ClampedArray(256 * 3);
    for (var i = 0; i < 256; i++) {
      var position = (i / 255) * (rgb.length - 1);
      var low = Math.floor(position);
      var high = Math.min(low + 1, rgb.length - 1);
      var t = position - low;
      for (var c = 0; c < 3; c++) {
        steps[i * 3 + c] = Math.round(rgb[low][c] + (rgb[high][c] - rgb[low][c]) * t);
      }
    }
    return steps;
  }

  var HeatLayer = L.Layer.extend({
    initialize: function (points, options) {
      this._points = points || [];
      this._opacity = options && options.opacity !== undefined ? options.opacity : 0.8;
      this._steps = paletteSteps((options && options.palette) || ["#fde725", "#440154"]);
    },

    setPoints: function (points) {
      this._points = points || [];
      if (this._map) {
        this._draw();
      }
      return this;
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "heat-layer leaflet-zoom-hide");
      this._canvas.setAttribute("aria-hidden", "true");
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this._draw, this);
      this._draw();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this._draw, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },

    _draw: function () {
      var map = this._map;
      var canvas = this._canvas;
      if (!map || !canvas) {
        return;
      }
      var size = map.getSize();
      canvas.width = size.x;
      canvas.height = size.y;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      var context = canvas.getContext("2d");
      context.clearRect(0, 0, size.x, size.y);
      if (!this._points.length) {
        return;
      }
      // 1. Summed intensity as alpha.
      this._points.forEach(function (point) {
        var at = map.latLngToContainerPoint([point.lat, point.lng]);
        var r = point.radius;
        if (at.x < -r || at.y < -r || at.x > size.x + r || at.y > size.y + r) {
          return;
        }
        var gradient = context.createRadialGradient(at.x, at.y, 0, at.x, at.y, r);
        gradient.addColorStop(0, "rgba(0,0,0,1)");
        gradient.addColorStop(0.45, "rgba(0,0,0,0.6)");
        gradient.addColorStop(1, "rgba(0,0,0,0)");
        context.globalAlpha = Math.max(0.08, Math.min(1, point.weight));
        context.fillStyle = gradient;
        context.fillRect(at.x - r, at.y - r, 2 * r, 2 * r);
      });
      context.globalAlpha = 1;
      // 2. Alpha -> palette colour; faint pixels stay faint so the base map shows through.
      var image = context.getImageData(0, 0, size.x, size.y);
      var data = image.data;
      var steps = this._steps;
      var opacity = this._opacity;
      for (var i = 0; i < data.length; i += 4) {
        var alpha = data[i + 3];
        if (alpha === 0) {
          continue;
        }
        data[i] = steps[alpha * 3];
        data[i + 1] = steps[alpha * 3 + 1];
        data[i + 2] = steps[alpha * 3 + 2];
        data[i + 3] = Math.min(255, (40 + alpha) * opacity);
      }
      context.putImageData(image, 0, 0);
    },
  });

  Meldpunt.HeatLayer = HeatLayer;
  Meldpunt.heatLayer = function (points, options) {
    return new HeatLayer(points, options);
  };
})(window, document, L);
