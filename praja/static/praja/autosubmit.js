// A <select data-autosubmit> sends its form when changed; data-autosubmit-clear="desa" empties that field first
// (the Content-Security-Policy allows no inline onchange="" handlers: issue 14).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (!el || !el.form || !el.hasAttribute || !el.hasAttribute("data-autosubmit")) return;
  var clear = el.getAttribute("data-autosubmit-clear");
  if (clear && el.form.elements[clear]) el.form.elements[clear].value = "";
  el.form.submit();
});
