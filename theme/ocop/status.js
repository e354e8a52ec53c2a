/* Recompute each certification status from the reader's date (Vietnam time), mirroring
   site_builder/domain/rules.py, so a page read after a certificate lapsed never claims it is valid. */
(function () {
  var today = new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Ho_Chi_Minh", year: "numeric",
    month: "2-digit", day: "2-digit"}).format(new Date());
  function days(a, b) { return Math.round((Date.parse(a) - Date.parse(b)) / 86400000); }
  function status(d) {
    if (d.withdrawn && d.withdrawn <= today) return "withdrawn";
    if (!d.until) return "not_yet";
    if (d.decision > today) return "not_yet";
    if (d.revoked && d.revoked <= today) return "revoked";
    if (d.superseded && d.superseded <= today) return "superseded";
    if (today <= d.until) return days(d.until, today) <= d.exp ? "expiring" : "valid";
    if (d.grace && today <= d.grace) return "grace";
    return "expired";
  }
  function longText(d, s) {
    var left = days(d.until, today);
    if (s === "expiring" && left === 0 && d.m.expiring_today) return d.m.expiring_today;
    return (d.m[s] || d.s[s]).replace("{days}", left);
  }
  /* A date written as the page's language writes it (i18n.Translator.date_format). */
  function shown(iso, f) {
    var p = iso.split("-");
    return f.pattern.replace("{yyyy}", p[0]).replace("{mm}", p[1]).replace("{dd}", p[2])
      .replace("{d}", String(+p[2])).replace("{month}", f.months.length ? f.months[p[1] - 1] : p[1]);
  }
  var lapsed = {expired: 1, revoked: 1, superseded: 1, withdrawn: 1, not_yet: 1};
  var nodes = document.querySelectorAll("[data-ocop-status]");
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i], d = JSON.parse(el.getAttribute("data-ocop-status")), s = status(d);
    var short = el.getAttribute("data-mode") === "short";
    /* A card's badge finds the short names on its list of cards (macros.html). */
    var names = d.s || JSON.parse(el.closest("[data-ocop-short]").getAttribute("data-ocop-short"));
    var text = short ? names[s] : longText(d, s);
    var target = el.querySelector("[data-status-text]");
    if (target) target.textContent = text;
    var box = el.closest("[data-ocop-box]") || el;
    [el, box].forEach(function (node) {
      node.className = node.className.replace(/ocop-status-[a-z_]+/, "ocop-status-" + s);
    });
    box.classList.toggle("is-lapsed", !!lapsed[s]);
    var checked = el.querySelector("[data-checked-on]");
    if (checked) {
      var format = JSON.parse(checked.getAttribute("data-date-format"));
      checked.textContent = d.checked.replace("{date}", shown(today, format));
    }
  }
})();
