/* Praja public report form: refresh the kecamatan/desa/TPS pickers without reloading, fill the phone's
   location. Everything works without this script (the "show desa / TPS" button re-draws the form). */
(function () {
  var form = document.getElementById("report-form");
  if (!form) return;
  var pick = document.getElementById("pick-button");
  if (pick) pick.hidden = true;
  form.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el.hasAttribute || !el.hasAttribute("data-chain")) return;
    var where = document.getElementById("where");
    var q = new URLSearchParams();
    where.querySelectorAll("select,input").forEach(function (s) { if (s.name) q.set(s.name, s.value); });
    // a changed parent clears its children
    var order = ["kabupaten", "kecamatan", "desa", "tps"], cut = order.indexOf(el.name);
    order.slice(cut + 1).forEach(function (n) { q.delete(n); });
    fetch(where.dataset.url + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        where.outerHTML = html;
        var next = document.getElementById("id_" + order[cut + 1]);
        if (next && !next.disabled) next.focus();
      })
      .catch(function () { if (pick) pick.hidden = false; });
  });
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById("id_latitude").value = p.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = p.coords.longitude.toFixed(6);
        locate.disabled = false;
      }, function () { locate.disabled = false; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  form.addEventListener("submit", function (ev) {
    if (ev.submitter && ev.submitter.name === "_pick") return;
    var send = document.getElementById("send");
    // one tap sends once; the client key makes a second send harmless anyway
    setTimeout(function () { send.disabled = true; }, 0);
  });
})();
