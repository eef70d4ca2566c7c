/* Praja situation map: kecamatan and desa outlines and every TPS of the person's scope.
 *
 * Everything is drawn on canvas (lighter than SVG or icons on a weak phone); TPS points are
 * clustered when zoomed out and loaded in chunks so the page stays responsive. Without a tile URL
 * the map draws on a plain background: the outlines are the map.
 *
 * #map-counts reports what was actually drawn: data-kecamatan, data-desa, data-tps, and
 * data-state ("loading", "done" or "error").
 */
(function () {
  "use strict";

  var cfgEl = document.getElementById("map-config");
  var mapEl = document.getElementById("map");
  var countsEl = document.getElementById("map-counts");
  var progressEl = document.getElementById("map-progress");
  if (!cfgEl || !mapEl) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var T = cfg.text;
  if (!window.L) {
    progressEl.textContent = T.failed;
    countsEl.setAttribute("data-state", "error");
    return;
  }

  var nf = new Intl.NumberFormat(cfg.locale);
  var ZOOM_BY_LEVEL = { 1: 8, 2: 10, 3: 12, 4: 14 };
  var LABEL_MIN_ZOOM = 10;
  var COLORS = {
    kecamatan: "#1e3a5f",
    desa: "#8a96a6",
    focus: "#c2410c",
    tps: "#1d5fbf",
    tpsGenerated: "#1d5fbf",
  };

  function fmt(s, values) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function within(code, region) {
    return code === region || code.indexOf(region + ".") === 0 || code.indexOf(region + "/") === 0;
  }

  // --- the map ----------------------------------------------------------------------------------
  var map = L.map(mapEl, {
    preferCanvas: true,
    zoomSnap: 0.25,
    minZoom: 4,
    maxZoom: 18,
    attributionControl: !!cfg.tileUrl,
  });
  mapEl.prajaMap = map; // for the browser tests and the console
  map.createPane("outlines").style.zIndex = 350;
  var labelPane = map.createPane("labels");
  labelPane.style.zIndex = 450; // over the outlines and TPS points, under the cluster bubbles (600)
  labelPane.style.pointerEvents = "none";
  var outlineRenderer = L.canvas({ pane: "outlines", padding: 0.3 });
  var tpsRenderer = L.canvas({ padding: 0.3, tolerance: 6 });

  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    mapEl.classList.add("no-tiles");
  }
  var start = cfg.focus || cfg.start;
  if (start && start.lat != null && start.lng != null) {
    map.setView([start.lat, start.lng], ZOOM_BY_LEVEL[start.level] || 10);
  } else {
    map.setView([-2.5, 118], 5);
  }
  L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 140 }).addTo(map);

  var kecFill = L.layerGroup();
  var kecOutline = L.layerGroup();
  var desaLayer = L.layerGroup();
  var labels = L.layerGroup();
  var kecamatanGroup = L.layerGroup([kecFill, kecOutline]).addTo(map);
  desaLayer.addTo(map);

  var state = { kecamatan: null, desa: null, tps: null, tpsTotal: null, fitted: false, generated: 0 };

  function updateCounts() {
    if (state.kecamatan !== null) {
      countsEl.setAttribute("data-kecamatan", String(state.kecamatan));
      countsEl.setAttribute("data-desa", String(state.desa));
    }
    if (state.tps !== null) countsEl.setAttribute("data-tps", String(state.tps));
    var done = state.kecamatan !== null && state.tps !== null;
    if (state.kecamatan !== null || state.tps !== null) {
      countsEl.textContent = fmt(T.counts, {
        kecamatan: state.kecamatan === null ? "…" : nf.format(state.kecamatan),
        tps: state.tps === null ? "…" : nf.format(state.tps),
      });
    }
    if (done) {
      countsEl.setAttribute("data-state", "done");
      if (state.kecamatan === 0 && state.tps === 0) progress(T.noData);
      else if (state.unlocated) progress(fmt(T.unlocated, { n: nf.format(state.unlocated) }));
      else progress("");
    }
  }

  function progress(text, isError) {
    progressEl.textContent = text;
    progressEl.hidden = !text;
    progressEl.classList.toggle("error", !!isError);
  }

  function failed() {
    progress(T.failed, true);
    countsEl.setAttribute("data-state", "error");
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function fit(bounds) {
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 15, animate: false });
      state.fitted = true;
    }
  }

  // --- outlines ---------------------------------------------------------------------------------
  function drawBoundaries(data) {
    var nKec = 0;
    var nDesa = 0;
    var all = L.latLngBounds([]);
    var focusBounds = null;
    var focusLayer = null;
    var focus = cfg.focus ? cfg.focus.code : null;
    data.features.forEach(function (f) {
      var p = f.properties;
      var isFocus = focus !== null && p.code === focus;
      if (p.level === 3) {
        nKec += 1;
        if (f.geometry.type === "Point") {
          var c = f.geometry.coordinates;
          kecOutline.addLayer(L.circleMarker([c[1], c[0]], {
            renderer: outlineRenderer, radius: 3, color: COLORS.kecamatan, weight: 1, fillOpacity: 0.8,
            interactive: false,
          }));
          all.extend([c[1], c[0]]);
        } else {
          // The dashboard shades each kecamatan (cfg.shading: code -> {color, label}) and opens it on click.
          var shade = cfg.shading ? cfg.shading[p.code] : null;
          var fill = L.geoJSON(f, {
            renderer: outlineRenderer, interactive: !!shade,
            style: shade
              ? { stroke: false, fill: true, fillColor: shade.color, fillOpacity: 0.78 }
              : { stroke: false, fill: true, fillColor: "#fffdf7", fillOpacity: cfg.tileUrl ? 0.08 : 1 },
          });
          if (shade) {
            fill.bindTooltip(esc(p.name) + (shade.label ? ": " + esc(shade.label) : ""), { sticky: true });
            if (cfg.drillUrl) {
              fill.on("click", (function (code) {
                return function () { window.location.href = cfg.drillUrl.replace("{code}", encodeURIComponent(code)); };
              })(p.code));
            }
          }
          var outline = L.geoJSON(f, {
            renderer: outlineRenderer, interactive: false,
            style: {
              color: isFocus ? COLORS.focus : COLORS.kecamatan, weight: isFocus ? 3.2 : 1.8, opacity: 0.9,
              fill: false, lineJoin: "round",
            },
          });
          kecFill.addLayer(fill);
          kecOutline.addLayer(outline);
          all.extend(outline.getBounds());
          if (isFocus) {
            focusBounds = outline.getBounds();
            focusLayer = outline;
          }
        }
        if (p.centroid || f.geometry.type === "Point") {
          var at = p.centroid || [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          labels.addLayer(L.marker(at, {
            pane: "labels", interactive: false, keyboard: false,
            icon: L.divIcon({ className: "kec-label", html: "<span>" + esc(p.name) + "</span>", iconSize: null }),
          }));
        }
      } else if (p.level === 4) {
        nDesa += 1;
        var desa = L.geoJSON(f, {
          renderer: outlineRenderer, interactive: false,
          style: {
            color: isFocus ? COLORS.focus : COLORS.desa, weight: isFocus ? 2.6 : 0.6,
            opacity: isFocus ? 1 : 0.9, fill: false,
          },
        });
        desaLayer.addLayer(desa);
        if (isFocus) {
          focusBounds = desa.getBounds();
          focusLayer = desa;
        }
        if (!nKec) all.extend(desa.getBounds());
      }
    });
    // Kecamatan outlines over the desa lines.
    kecOutline.eachLayer(function (l) { if (l.bringToFront) l.bringToFront(); });
    if (focusLayer) focusLayer.bringToFront();
    state.kecamatan = nKec;
    state.desa = nDesa;
    state.outlineBounds = all;
    if (focusBounds) fit(focusBounds);
    else if (!cfg.focus) fit(all);
    toggleLabels();
    updateCounts();
  }

  function toggleLabels() {
    var show = map.getZoom() >= LABEL_MIN_ZOOM && map.hasLayer(kecamatanGroup);
    if (show && !map.hasLayer(labels)) labels.addTo(map);
    if (!show && map.hasLayer(labels)) map.removeLayer(labels);
  }
  map.on("zoomend overlayadd overlayremove", toggleLabels);

  // --- TPS --------------------------------------------------------------------------------------
  var cluster = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 100,
    chunkDelay: 20,
    chunkProgress: function (done, total) {
      progress(fmt(T.loadingTps, { done: nf.format(done), total: nf.format(total) }));
      if (done >= total) tpsDone();
    },
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 14,
    maxClusterRadius: 48,
    animate: false,
    removeOutsideVisibleBounds: true,
    iconCreateFunction: function (c) {
      var n = c.getChildCount();
      var size = n < 50 ? 28 : n < 200 ? 34 : 40;
      var cls = n < 50 ? "" : n < 200 ? " tps-cluster-m" : " tps-cluster-l";
      return L.divIcon({
        html: "<div>" + nf.format(n) + "</div>", className: "tps-cluster" + cls, iconSize: L.point(size, size),
      });
    },
  });
  cluster.addTo(map);

  var tpsData = null;

  function popup(layer) {
    var r = layer.options.row;
    var code = r[0];
    var desaCode = code.split("/")[0];
    var kecCode = desaCode.slice(0, desaCode.lastIndexOf("."));
    var desaName = tpsData.desa[desaCode] || desaCode;
    var kecName = tpsData.kecamatan[kecCode] || kecCode;
    var flags = r[5];
    var title = "<strong>TPS " + esc(code) + "</strong>";
    if (cfg.tpsPageUrl) {
      var url = cfg.tpsPageUrl.replace("{desa}", encodeURIComponent(desaCode))
        .replace("{number}", String(parseInt(code.split("/")[1], 10)));
      title = '<a href="' + esc(url) + '" title="' + esc(T.openTps) + '">' + title + "</a>";
    }
    var html = '<div class="tps-pop">' + title +
      "<div>" + esc(T.desa) + " " + esc(desaName) + ", " + esc(T.kecamatan) + " " + esc(kecName) + "</div>" +
      (r[4] ? "<div>" + esc(T.address) + ": " + esc(r[4]) + "</div>" : "") +
      "<div>" + esc(T.voters) + ": <b>" + nf.format(r[3]) + "</b></div>";
    if (flags) {
      var what = [];
      if (flags & 1) what.push(T.generatedVoters);
      if (flags & 2) what.push(T.generatedLocation);
      html += '<p class="tps-gen">' + esc(T.generatedNote) + " " + esc(what.join(", ")) + "</p>";
    }
    return html + "</div>";
  }

  var tpsStyle = { radius: 5, weight: 1.5, color: "#ffffff", fillColor: COLORS.tps, fillOpacity: 0.95 };
  var tpsGenStyle = { radius: 5, weight: 2, color: COLORS.tpsGenerated, fillColor: "#ffffff", fillOpacity: 1 };

  function drawTps(data) {
    tpsData = data;
    var rows = data.rows;
    state.tpsTotal = rows.length;
    state.unlocated = data.unlocated;
    var markers = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var style = r[5] & 2 ? tpsGenStyle : tpsStyle;
      if (r[5] & 2) state.generated += 1;
      var m = L.circleMarker([r[1], r[2]], {
        renderer: tpsRenderer, radius: style.radius, weight: style.weight, color: style.color,
        fillColor: style.fillColor, fillOpacity: style.fillOpacity, row: r,
      });
      m.bindPopup(popup, { maxWidth: 280 });
      markers[i] = m;
    }
    legend.refresh();
    if (!rows.length) {
      tpsDone();
      return;
    }
    progress(fmt(T.loadingTps, { done: 0, total: nf.format(rows.length) }));
    cluster.addLayers(markers);
  }

  function tpsDone() {
    state.tps = cluster.getLayers().length;
    if (state.tps) {
      // Open fitted to the viewer's area: when the TPS in it are not all in view (a kecamatan drawn as a point,
      // outlines that miss TPS), fit the outlines and the TPS together.
      var focus = cfg.focus ? cfg.focus.code : null;
      var b = L.latLngBounds([]);
      cluster.eachLayer(function (m) {
        if (!focus || within(m.options.row[0], focus)) b.extend(m.getLatLng());
      });
      if (b.isValid() && (!state.fitted || !map.getBounds().contains(b))) {
        if (state.outlineBounds && state.outlineBounds.isValid() && !focus) b.extend(state.outlineBounds);
        fit(b);
      }
    }
    updateCounts();
  }

  // --- legend and layer switch ------------------------------------------------------------------
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "map-legend");
    L.DomEvent.disableClickPropagation(div);
    this._div = div;
    this.refresh();
    return div;
  };
  legend.refresh = function () {
    if (!this._div) return;
    var open = this._div.querySelector("details") ? this._div.querySelector("details").open : window.innerWidth > 640;
    this._div.innerHTML =
      "<details" + (open ? " open" : "") + "><summary>" + esc(T.legendTitle) + "</summary>" +
      '<div class="lg-row"><span class="lg-line lg-kec"></span>' + esc(T.legendKecamatan) + "</div>" +
      '<div class="lg-row"><span class="lg-line lg-desa"></span>' + esc(T.legendDesa) + "</div>" +
      (state.tpsTotal && state.generated < state.tpsTotal
        ? '<div class="lg-row"><span class="lg-dot"></span>' + esc(T.legendTps) + "</div>" : "") +
      (state.generated ? '<div class="lg-row"><span class="lg-dot lg-gen"></span>' + esc(T.legendTpsGenerated) + "</div>" : "") +
      (cfg.tpsUrl ? '<div class="lg-row"><span class="lg-cluster">12</span>' + esc(T.legendCluster) + "</div>" : "") +
      "</details>";
  };
  legend.addTo(map);

  var overlays = {};
  overlays[T.layerKecamatan] = kecamatanGroup;
  overlays[T.layerDesa] = desaLayer;
  overlays[T.layerTps] = cluster;
  var layerControl = L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);

  // --- situation layers: TPS by risk class, posts on the day, open reports (cfg.layersUrl) -----------------
  var RISK = { aman: "#5fa35f", kurang_rawan: "#a3c45f", rawan: "#e8b23a", sangat_rawan: "#c8413a", khusus: "#7b4fb3" };
  var POST = { terisi: "#2f7d32", kurang: "#e8b23a", belum: "#c8413a" };
  function drawLayers(data) {
    var LT = cfg.layerText || {};
    var risk = L.layerGroup();
    (data.tps_risk || []).forEach(function (r) {
      L.circleMarker([r[1], r[2]], { renderer: tpsRenderer, radius: 4, weight: 1, color: "#ffffff",
        fillColor: RISK[r[3]] || "#8a96a6", fillOpacity: 0.95 })
        .bindTooltip("TPS " + esc(r[0]) + " · " + esc((LT.risk || {})[r[3]] || r[3])).addTo(risk);
    });
    overlays[LT.riskLayer || "Risk"] = risk;
    layerControl.addOverlay(risk, LT.riskLayer || "Risk");
    if (data.posts) {
      var posts = L.layerGroup();
      data.posts.forEach(function (p) {
        var m = L.circleMarker([p[1], p[2]], { radius: 6, weight: 2, color: "#1e3a5f", fillColor: POST[p[3]] || "#999",
          fillOpacity: 1, className: "post-" + p[3] });
        m.bindPopup('<a href="' + esc(p[4]) + '">' + esc(p[0]) + "</a> · " + esc((LT.post || {})[p[3]] || p[3]));
        m.addTo(posts);
      });
      layerControl.addOverlay(posts, LT.postsLayer || "Posts");
      if (cfg.showPosts) posts.addTo(map);
    }
    if (data.reports) {
      var reps = L.layerGroup();
      data.reports.forEach(function (r) {
        L.circleMarker([r[1], r[2]], { radius: 4 + Math.min(10, r[3]), weight: 1, color: "#7a1f1a",
          fillColor: r[4] ? "#c8413a" : "#e8b23a", fillOpacity: 0.7 })
          .bindTooltip(esc(r[0]) + ": " + nf.format(r[3]) + " " + esc(LT.open || "") +
            (r[4] ? ", " + nf.format(r[4]) + " " + esc(LT.severe || "") : "")).addTo(reps);
      });
      layerControl.addOverlay(reps, LT.reportsLayer || "Reports");
      if (cfg.showReports) reps.addTo(map);
    }
    mapEl.setAttribute("data-layers", "loaded");
    mapEl.setAttribute("data-posts", data.posts ? String(data.posts.length) : "");
    mapEl.setAttribute("data-reports", data.reports ? String(data.reports.length) : "");
    mapEl.setAttribute("data-risk", String((data.tps_risk || []).length));
  }
  if (cfg.layersUrl) {
    fetchJson(cfg.layersUrl).then(drawLayers).catch(function (err) { if (window.console) console.error(err); });
  }

  // --- load ---------------------------------------------------------------------------------------
  progress(T.loadingBoundaries);
  var boundaries = fetchJson(cfg.boundariesUrl).then(drawBoundaries);
  // TPS after the outlines are drawn (so the first fit is the region's), fetched in parallel.
  var tps = cfg.tpsUrl ? fetchJson(cfg.tpsUrl) : Promise.resolve({ rows: [], desa: {}, kecamatan: {}, unlocated: 0 });
  Promise.all([boundaries, tps]).then(function (results) { drawTps(results[1]); }).catch(function (err) {
    if (window.console) console.error(err);
    failed();
  });
})();
