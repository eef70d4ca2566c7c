/* Praja officer report form: a queue kept in this phone's browser, sent once when the signal is there.
   Each report carries a client key made here, so sending it again after a lost answer stores it once. */
(function () {
  "use strict";
  var root = document.getElementById("officer");
  if (!root) return;
  var T = JSON.parse(document.getElementById("of-text").textContent);
  var form = document.getElementById("officer-form");
  var QKEY = root.dataset.queue + ".queue", SKEY = root.dataset.queue + ".sent";
  var csrf = root.dataset.csrf, busy = false, places = null;
  // Photos chosen while online, by client key: kept in memory only (never in localStorage) and sent as a
  // second request once the report has its receipt. Without signal they are not kept: the officer adds
  // them later from the report's page.
  var photos = {};
  function pageOf(receipt) { return root.dataset.page.replace("KODE", encodeURIComponent(receipt)); }

  function load(k) { try { return JSON.parse(localStorage.getItem(k) || "[]"); } catch (e) { return []; } }
  function save(k, v) { localStorage.setItem(k, JSON.stringify(v)); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }

  function render() {
    var q = load(QKEY), list = document.getElementById("queue");
    list.textContent = "";
    q.forEach(function (item) {
      var li = el("li"); li.dataset.state = item.state || "pending"; li.dataset.key = item.client_key;
      li.appendChild(el("strong", item.data.title || item.data.description.slice(0, 60)));
      li.appendChild(el("div", new Date(item.made).toLocaleString() + " · " + (T[item.state || "pending"] || item.state), "muted"));
      if (item.errors) li.appendChild(el("div", Object.keys(item.errors).map(function (k) { return k + ": " + item.errors[k]; }).join("; "), "err"));
      if (item.state === "error") {
        var b = el("button", T.remove, "quiet pick"); b.type = "button";
        b.onclick = function () { save(QKEY, load(QKEY).filter(function (x) { return x.client_key !== item.client_key; })); render(); };
        li.appendChild(b);
      }
      list.appendChild(li);
    });
    document.getElementById("queue-count").textContent = q.length;
    document.getElementById("queue-box").hidden = q.length === 0;
    var s = load(SKEY), sent = document.getElementById("sent");
    sent.textContent = "";
    s.slice(-10).reverse().forEach(function (item) {
      var li = el("li"); li.dataset.state = "sent";
      var a = el("a", item.receipt, "rc"); a.href = pageOf(item.receipt); li.appendChild(a);
      li.appendChild(el("div", item.title, ""));
      if (item.photo) li.appendChild(el("div", T[item.photo] || item.photo, "muted"));
      sent.appendChild(li);
    });
    document.getElementById("sent-box").hidden = s.length === 0;
  }

  function setOnline(on) {
    var st = document.getElementById("net-state");
    st.dataset.online = on ? "1" : "0"; st.textContent = on ? T.online : T.offline;
  }

  function refreshToken() {
    return fetch(location.pathname, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.redirected || !r.ok) throw new Error("login");
      return r.text();
    }).then(function (html) {
      var m = html.match(/data-csrf="([^"]+)"/);
      if (!m) throw new Error("login");
      csrf = m[1];
    });
  }

  function sendOne(item, retried) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, 20000);
    var body = Object.assign({ client_key: item.client_key }, item.data);
    return fetch(root.dataset.send, {
      method: "POST", credentials: "same-origin", signal: ctl ? ctl.signal : undefined,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      body: JSON.stringify(body)
    }).then(function (r) {
      clearTimeout(timer);
      if (r.status === 403 && !retried) return refreshToken().then(function () { return sendOne(item, true); });
      if (r.redirected) throw new Error("login");
      return r.json().then(function (j) { return { status: r.status, body: j }; });
    });
  }

  function markSent(receipt, state) {
    var s = load(SKEY);
    s.forEach(function (x) { if (x.receipt === receipt) x.photo = state; });
    save(SKEY, s); render();
  }

  function sendPhotos(receipt, files) {
    var fd = new FormData();
    for (var i = 0; i < files.length; i++) fd.append("files", files[i]);
    markSent(receipt, "photo_sending");
    return fetch(root.dataset.attach.replace("KODE", encodeURIComponent(receipt)), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json", "X-Requested-With": "fetch" }, body: fd
    }).then(function (r) {
      if (r.status !== 201) throw new Error("photo " + r.status);
      markSent(receipt, "photo_sent");
    }).catch(function () { markSent(receipt, "photo_failed"); });
  }

  function flush() {
    if (busy) return Promise.resolve();
    var q = load(QKEY).filter(function (x) { return x.state !== "error"; });
    if (!q.length) return Promise.resolve();
    busy = true;
    var item = q[0];
    return sendOne(item).then(function (res) {
      var all = load(QKEY);
      if (res.status === 200 || res.status === 201) {
        save(QKEY, all.filter(function (x) { return x.client_key !== item.client_key; }));
        var s = load(SKEY); s.push({ receipt: res.body.receipt, title: item.data.title || item.data.description.slice(0, 60), at: Date.now() });
        save(SKEY, s.slice(-20));
        var files = photos[item.client_key];
        delete photos[item.client_key];
        if (files && files.length) sendPhotos(res.body.receipt, files);
      } else if (res.status === 400) {
        all.forEach(function (x) { if (x.client_key === item.client_key) { x.state = "error"; x.errors = res.body.errors; } });
        save(QKEY, all);
      } else { throw new Error("server " + res.status); }
      setOnline(true); busy = false; render();
      return flush();
    }).catch(function (e) {
      busy = false;
      if (String(e && e.message) === "login") { document.getElementById("locate-note").textContent = T.login; }
      else setOnline(false);
      render();
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var fd = new FormData(form), data = {};
    ["category", "severity", "title", "description", "occurred_at", "tps", "region", "latitude", "longitude",
     "place_text", "subject_kind", "subject_text"].forEach(function (k) { data[k] = (fd.get(k) || "").toString().trim(); });
    if (data.occurred_at) {  // the phone's local time with its offset, so the server reads it right
      var d = new Date(data.occurred_at);
      if (!isNaN(d)) data.occurred_at = d.toISOString();
    }
    var q = load(QKEY), key = newKey();
    var chosen = Array.prototype.slice.call(document.getElementById("of_photo").files || []);
    var online = navigator.onLine !== false;
    if (chosen.length && online) photos[key] = chosen;
    q.push({ client_key: key, data: data, made: Date.now(), state: "pending" });
    save(QKEY, q);
    form.reset();
    document.getElementById("locate-note").textContent = T.saved;
    if (chosen.length && !online) document.getElementById("photo-note").textContent = T.photo_later;
    render();
    flush();
  });
  document.getElementById("send-now").addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () { setOnline(true); flush(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(flush, 30000);

  // --- the TPS picker: kecamatan -> desa -> TPS from the officer's list (cached for use without signal)
  var kec = document.getElementById("of_kec"), desa = document.getElementById("of_desa"), tps = document.getElementById("of_tps");
  var code = document.getElementById("of_tps_code"), region = document.getElementById("of_region");
  function options(sel, rows, first) {
    sel.textContent = ""; var o = el("option", first); o.value = ""; sel.appendChild(o);
    rows.forEach(function (r) { var x = el("option", r[1]); x.value = r[0]; sel.appendChild(x); });
  }
  function pad(n) { return ("00" + n).slice(-3); }
  kec.onchange = function () {
    options(desa, places.desa.filter(function (d) { return d[2] === kec.value; }), T.choose);
    options(tps, [], T.no_tps); region.value = kec.value; code.value = "";
  };
  desa.onchange = function () {
    options(tps, (places.tps[desa.value] || []).map(function (t) { return [desa.value + "/" + pad(t[0]), "TPS " + pad(t[0])]; }), T.no_tps);
    region.value = desa.value || kec.value; code.value = "";
  };
  tps.onchange = function () { code.value = tps.value; };
  fetch(root.dataset.places, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
    places = p; options(kec, p.kec, T.choose); options(desa, [], T.choose); options(tps, [], T.no_tps);
    document.getElementById("picker").hidden = false;
  }).catch(function () {});

  var locate = document.getElementById("of_locate");
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.onclick = function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude, lng = pos.coords.longitude;
        document.getElementById("of_lat").value = lat.toFixed(6);
        document.getElementById("of_lng").value = lng.toFixed(6);
        if (!places) return;
        var best = null, bestD = Infinity;
        Object.keys(places.tps).forEach(function (dc) {
          places.tps[dc].forEach(function (t) {
            if (t.length < 3) return;
            var dy = (t[1] - lat) * 111320, dx = (t[2] - lng) * 111320 * Math.cos(lat * Math.PI / 180), dd = dx * dx + dy * dy;
            if (dd < bestD) { bestD = dd; best = [dc, t[0]]; }
          });
        });
        if (!best) return;
        var d = places.desa.filter(function (x) { return x[0] === best[0]; })[0];
        kec.value = d[2]; kec.onchange(); desa.value = d[0]; desa.onchange();
        tps.value = best[0] + "/" + pad(best[1]); tps.onchange();
        document.getElementById("locate-note").textContent = T.nearest.replace("%s", "TPS " + pad(best[1]) + " " + d[1]).replace("%s", Math.round(Math.sqrt(bestD)));
      }, function () { document.getElementById("locate-note").textContent = T.no_fix; },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    };
  }

  setOnline(navigator.onLine !== false);
  render();
  flush();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw).then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
      var urls = [location.pathname, root.dataset.places];
      document.querySelectorAll("script[src],link[rel=stylesheet]").forEach(function (n) { urls.push(n.getAttribute("src") || n.getAttribute("href")); });
      if (reg.active) reg.active.postMessage({ cache: urls });
    }).catch(function () {});
  }
})();
