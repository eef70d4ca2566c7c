/* Praja deployment map: the posts of a plan with their TPS (lines from each TPS to its post), TPS
 * coloured by risk class, and TPS whose post lacks people drawn large and red so they stand out.
 * Kecamatan and desa outlines come from the situation map's endpoint (same scope). Canvas only.
 *
 * #map-counts reports what was drawn: data-posts, data-tps, data-uncovered, data-state.
 */
(function () {
  "use strict";
  var cfgEl = document.getElementById("deployment-map-config");
  var mapEl = document.getElementById("map");
  var countsEl = document.getElementById("map-counts");
  var progressEl = document.getElementById("map-progress");
  if (!cfgEl || !mapEl) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var T = cfg.text;
  if (!window.L) { progressEl.textContent = T.failed; countsEl.setAttribute("data-state", "error"); return; }
  var nf = new Intl.NumberFormat(cfg.locale);
  var CLASS_COLORS = { aman: "#2e7d32", kurang_rawan: "#c9a200", rawan: "#e67e22", sangat_rawan: "#b71c1c", khusus: "#6a1b9a" };
  var UNCOVERED = "#d92d20";
  var POST = "#12355b";

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }); }
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  var map = L.map(mapEl, { preferCanvas: true, zoomSnap: 0.25, minZoom: 4, maxZoom: 18, attributionControl: !!cfg.tileUrl });
  mapEl.prajaMap = map;
  map.setView([-2.5, 118], 5);
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(map);
  else mapEl.classList.add("no-tiles");
  L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 140 }).addTo(map);
  map.createPane("outlines").style.zIndex = 350;
  var outlineRenderer = L.canvas({ pane: "outlines", padding: 0.3 });
  var renderer = L.canvas({ padding: 0.3, tolerance: 5 });
  var outlines = L.layerGroup().addTo(map);
  var links = L.layerGroup().addTo(map);
  var tpsLayer = L.layerGroup().addTo(map);
  var redLayer = L.layerGroup().addTo(map);
  var postLayer = L.layerGroup().addTo(map);

  var legend = L.control({ position: "topright" });
  legend.onAdd = function () {
    var d = L.DomUtil.create("div", "map-legend dep-legend");
    var cls = Object.keys(cfg.classes).map(function (k) {
      return '<span class="lg-tps" style="background:' + CLASS_COLORS[k] + '" title="' + esc(cfg.classes[k]) + '"></span>';
    }).join("");
    d.innerHTML = '<details open><summary>' + esc(T.legend) + "</summary>" +
      '<div class="lg-row"><span class="lg-post"></span>' + esc(T.legendPost) + "</div>" +
      '<div class="lg-row">' + cls + " " + esc(T.legendTps) + "</div>" +
      '<div class="lg-row"><span class="lg-red"></span>' + esc(T.legendUncovered) + "</div>" +
      '<div class="lg-row"><span class="lg-link"></span>' + esc(T.legendLink) + "</div></details>";
    L.DomEvent.disableClickPropagation(d);
    return d;
  };
  legend.addTo(map);

  function drawOutlines(data) {
    (data.features || []).forEach(function (f) {
      if (!f.geometry || f.geometry.type === "Point") return;
      var lvl = f.properties.level;
      L.geoJSON(f, {
        renderer: outlineRenderer, interactive: false,
        style: { color: lvl === 3 ? "#1e3a5f" : "#8a96a6", weight: lvl === 3 ? 1.6 : 0.6, fill: lvl === 3, fillColor: "#fffdf7", fillOpacity: cfg.tileUrl ? 0.05 : 1 },
      }).addTo(outlines);
    });
  }

  function postPopup(p) {
    // [number, lat, lng, cls, police, tni, linmas, covered, pool, tps_count]
    var html = '<div class="post-pop"><strong>' + esc(T.post) + " " + p[0] + "</strong> · " + esc(cfg.classes[p[3]] || p[3]) +
      "<br>" + p[9] + " TPS · " + esc(T.police) + " " + p[4] + (p[5] ? " · " + esc(T.tni) + " " + p[5] : "") +
      (p[6] ? " · " + esc(T.linmas) + " " + p[6] : "") +
      "<br>" + (p[7] ? esc(T.from) + " " + esc(p[8]) : '<strong style="color:' + UNCOVERED + '">' + esc(T.uncoveredPost) + "</strong>") +
      '<br><a href="' + esc(cfg.postUrl.replace("{n}", p[0])) + '">' + esc(T.open) + "</a></div>";
    return html;
  }

  function drawPlan(data) {
    var byNumber = {};
    var bounds = L.latLngBounds([]);
    data.posts.forEach(function (p) { byNumber[p[0]] = p; });
    var uncovered = 0;
    data.tps.forEach(function (t) {
      // [code, lat, lng, cls, post_number, covered]
      var ll = [t[1], t[2]];
      bounds.extend(ll);
      var post = t[4] != null ? byNumber[t[4]] : null;
      if (post) {
        L.polyline([ll, [post[1], post[2]]], { renderer: renderer, color: POST, weight: 1, opacity: 0.45, dashArray: "3 3", interactive: false }).addTo(links);
      }
      var covered = t[5] && post;
      if (!covered) {
        uncovered += 1;
        L.circleMarker(ll, { renderer: renderer, radius: 7, color: "#7a1010", weight: 2, fillColor: UNCOVERED, fillOpacity: 0.95 })
          .bindTooltip("TPS " + esc(t[0]) + " · " + esc(T.legendUncovered)).addTo(redLayer);
      } else {
        L.circleMarker(ll, { renderer: renderer, radius: 3.5, color: "#333", weight: 0.6, fillColor: CLASS_COLORS[t[3]] || "#555", fillOpacity: 0.9 })
          .bindTooltip("TPS " + esc(t[0]) + " · " + esc(cfg.classes[t[3]] || t[3]) + (post ? " · " + esc(T.post) + " " + post[0] : "")).addTo(tpsLayer);
      }
    });
    data.posts.forEach(function (p) {
      bounds.extend([p[1], p[2]]);
      L.circleMarker([p[1], p[2]], { renderer: renderer, radius: 5 + Math.min(4, p[4] / 2), color: "#fff", weight: 2, fillColor: p[7] ? POST : UNCOVERED, fillOpacity: 1 })
        .bindPopup(postPopup(p)).addTo(postLayer);
    });
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 15, animate: false });
    countsEl.setAttribute("data-posts", String(data.posts.length));
    countsEl.setAttribute("data-tps", String(data.tps.length));
    countsEl.setAttribute("data-uncovered", String(uncovered));
    countsEl.textContent = fmt(T.counts, { posts: nf.format(data.posts.length), tps: nf.format(data.tps.length), uncovered: nf.format(uncovered) });
    countsEl.setAttribute("data-state", "done");
    progressEl.textContent = "";
  }

  progressEl.textContent = T.loading;
  fetchJson(cfg.boundariesUrl).then(drawOutlines).catch(function () { /* outlines are optional */ });
  fetchJson(cfg.dataUrl).then(drawPlan).catch(function () {
    progressEl.textContent = T.failed;
    progressEl.classList.add("error");
    countsEl.setAttribute("data-state", "error");
  });
})();
