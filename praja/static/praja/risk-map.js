/* Praja vulnerability map: TPS coloured by class, kecamatan shaded by their share of rawan + sangat rawan.
 *
 * Reuses the situation map's outlines endpoint (/api/v1/map/boundaries) and page layout (map.html, praja.css);
 * the scores come from /api/v1/risk/map. Drawn on canvas; the most vulnerable TPS are drawn last (on top).
 * #map-counts reports what was drawn: data-tps, data-kecamatan, data-state ("loading", "done", "error").
 */
(function () {
  "use strict";

  var cfgEl = document.getElementById("map-config");
  var mapEl = document.getElementById("map");
  var countsEl = document.getElementById("map-counts");
  var progressEl = document.getElementById("map-progress");
  if (!cfgEl || !mapEl) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var T = cfg.labels;
  if (!window.L) {
    progressEl.textContent = T.failed;
    countsEl.setAttribute("data-state", "error");
    return;
  }

  var COLORS = {
    aman: "#2e7d32", kurang_rawan: "#e0a800", rawan: "#ef6c00", sangat_rawan: "#c62828", khusus: "#6a1b9a",
  };
  var RADIUS = { aman: 3.5, kurang_rawan: 4.5, khusus: 6, rawan: 6.5, sangat_rawan: 7.5 };
  var ORDER = { aman: 0, kurang_rawan: 1, khusus: 2, rawan: 3, sangat_rawan: 4 };
  var LABEL = {};
  cfg.classes.forEach(function (c) { LABEL[c.key] = c.label; });

  function fmt(s, values) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function pct(x) { return (Math.round(x * 1000) / 10).toLocaleString() + "%"; }
  function binColor(share, scored) {
    if (!scored) return "#ffffff";
    var color = cfg.bins[0].color;
    cfg.bins.forEach(function (b) { if (share >= b.min) color = b.color; });
    return color;
  }
  function progress(text, isError) {
    progressEl.textContent = text || "";
    progressEl.hidden = !text;
    progressEl.classList.toggle("error", !!isError);
  }
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  var map = L.map(mapEl, { preferCanvas: true, zoomSnap: 0.25, minZoom: 4, maxZoom: 18, attributionControl: false });
  mapEl.prajaMap = map;
  map.createPane("outlines").style.zIndex = 350;
  var outlineRenderer = L.canvas({ pane: "outlines", padding: 0.3 });
  var tpsRenderer = L.canvas({ padding: 0.3, tolerance: 5 });
  if (cfg.tile_url) L.tileLayer(cfg.tile_url, { maxZoom: 19 }).addTo(map);
  else mapEl.classList.add("no-tiles");
  if (cfg.start) map.setView([cfg.start.lat, cfg.start.lng], { 1: 8, 2: 10, 3: 12, 4: 14 }[cfg.start.level] || 10);
  else map.setView([-2.5, 118], 5);
  L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 140 }).addTo(map);

  var kecLayer = L.layerGroup().addTo(map);
  var desaLayer = L.layerGroup().addTo(map);
  var classLayers = {};
  cfg.classes.forEach(function (c) { classLayers[c.key] = L.layerGroup().addTo(map); });

  function within(code, region) {
    return !region || code === region || code.indexOf(region + ".") === 0 || code.indexOf(region + "/") === 0;
  }

  function draw(boundaries, risk) {
    var share = {};
    risk.kecamatan.forEach(function (k) { share[k.code] = k; });
    var bounds = L.latLngBounds([]);
    var nKec = 0;
    boundaries.features.forEach(function (f) {
      var p = f.properties;
      if (f.geometry.type === "Point") return;
      if (p.level === 3) {
        var k = share[p.code];
        nKec += k ? 1 : 0;
        var layer = L.geoJSON(f, {
          renderer: outlineRenderer,
          style: {
            color: "#1e3a5f", weight: 1.6, opacity: 0.9, fill: true,
            fillColor: binColor(k ? k.share : 0, k ? k.scored : 0), fillOpacity: cfg.tile_url ? 0.55 : 1,
          },
        });
        var tip = "<strong>" + esc(T.kecamatan) + " " + esc(p.name) + "</strong><br>" + (k
          ? esc(pct(k.share)) + " (" + k.rawan + "/" + k.scored + " TPS)" : "–");
        layer.bindTooltip(tip, { sticky: true });
        layer.on("click", function () { window.location.href = cfg.region_url + encodeURIComponent(p.code) + "/"; });
        kecLayer.addLayer(layer);
        if (k && within(p.code, cfg.focus)) bounds.extend(layer.getBounds());
      } else if (p.level === 4) {
        desaLayer.addLayer(L.geoJSON(f, {
          renderer: outlineRenderer, interactive: false,
          style: { color: "#8a96a6", weight: 0.5, opacity: 0.8, fill: false },
        }));
      }
    });
    var rows = risk.rows.slice().sort(function (a, b) { return ORDER[a[3]] - ORDER[b[3]] || a[4] - b[4]; });
    var counts = {};
    rows.forEach(function (r) {
      var klass = r[3];
      counts[klass] = (counts[klass] || 0) + 1;
      var m = L.circleMarker([r[1], r[2]], {
        renderer: tpsRenderer, radius: RADIUS[klass] || 4, weight: 1, color: "#ffffff",
        fillColor: COLORS[klass] || "#555", fillOpacity: 0.95,
      });
      var parts = r[0].split("/");
      var url = cfg.tps_url + encodeURIComponent(parts[0]) + "/" + parseInt(parts[1], 10) + "/";
      m.bindPopup('<div class="risk-pop"><strong>TPS ' + esc(r[0]) + "</strong><br>" + esc(LABEL[klass] || klass) +
        " · " + esc(T.score) + " " + esc(r[4].toLocaleString()) + '<br><a href="' + esc(url) + '">' + esc(T.open) +
        "</a></div>");
      classLayers[klass].addLayer(m);
      if (!nKec) bounds.extend(m.getLatLng());
    });
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 15, animate: false });
    var rawan = (counts.rawan || 0) + (counts.sangat_rawan || 0);
    countsEl.setAttribute("data-tps", String(rows.length));
    countsEl.setAttribute("data-kecamatan", String(nKec));
    countsEl.setAttribute("data-state", "done");
    countsEl.textContent = fmt(T.counts, { tps: rows.length.toLocaleString(), rawan: rawan.toLocaleString() });
    if (!risk.scored) progress(T.none);
    else if (risk.unlocated) progress(fmt(T.unlocated, { n: risk.unlocated }));
    else progress("");
    legend(counts);
    var overlays = {};
    overlays[T.kecamatan] = kecLayer;
    overlays[T.desa] = desaLayer;
    cfg.classes.forEach(function (c) {
      overlays['<span style="color:' + COLORS[c.key] + '">●</span> ' + esc(c.label) + " (" + (counts[c.key] || 0) +
        ")"] = classLayers[c.key];
    });
    L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
  }

  function legend(counts) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend risk-legend");
      L.DomEvent.disableClickPropagation(div);
      var html = "<details" + (window.innerWidth > 640 ? " open" : "") + "><summary>" + esc(T.legend) + "</summary>";
      html += "<h4>" + esc(T.classes) + "</h4>";
      cfg.classes.forEach(function (c) {
        html += '<div class="lg-row" data-klass="' + c.key + '"><span class="lg-dot" style="background:' +
          COLORS[c.key] + '"></span>' + esc(c.label) + " <b>" + (counts[c.key] || 0) + "</b></div>";
      });
      html += "<h4>" + esc(T.share) + "</h4>";
      cfg.bins.forEach(function (b) {
        html += '<div class="lg-row"><span class="lg-swatch" style="background:' + b.color + '"></span>' +
          esc(b.label) + "</div>";
      });
      div.innerHTML = html + "</details>";
      return div;
    };
    control.addTo(map);
  }

  progress(T.loading);
  Promise.all([fetchJson(cfg.boundaries), fetchJson(cfg.risk)]).then(function (res) {
    draw(res[0], res[1]);
  }).catch(function (err) {
    if (window.console) console.error(err);
    progress(T.failed, true);
    countsEl.setAttribute("data-state", "error");
  });
})();
