/* Show what a GS1 Digital Link carries in its query string (?17=YYMMDD expiry, ?10=lot, ...),
   compare it with the published batch, flag a batch past its use-by date on the reader's day
   (Vietnam time), and put the exact scanned address into the report-a-problem mail. */
(function () {
  var labels = JSON.parse(document.getElementById("ocop-ai").textContent);
  var params = new URLSearchParams(location.search);
  var today = new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Ho_Chi_Minh", year: "numeric",
    month: "2-digit", day: "2-digit"}).format(new Date());
  function isoFromYymmdd(v) {
    if (!/^\d{6}$/.test(v)) return null;
    var y = 2000 + parseInt(v.slice(0, 2), 10), m = parseInt(v.slice(2, 4), 10);
    var d = parseInt(v.slice(4, 6), 10);
    if (m < 1 || m > 12) return null;
    if (d === 0) d = new Date(Date.UTC(y, m, 0)).getUTCDate();  /* DD 00: last day of month */
    return y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
  }
  /* A date written as the page's language writes it (i18n.Translator.date_format). */
  function shown(iso, f) {
    var p = iso.split("-");
    return f.pattern.replace("{yyyy}", p[0]).replace("{mm}", p[1]).replace("{dd}", p[2])
      .replace("{d}", String(+p[2])).replace("{month}", f.months.length ? f.months[p[1] - 1] : p[1]);
  }
  var lotBox = document.querySelector("[data-lot]");
  var lot = lotBox ? JSON.parse(lotBox.getAttribute("data-lot")) : null;
  var box = document.querySelector("[data-qr-data]");
  /* The page's date format: the status panel's, or on the 404 page the QR box's. */
  var formatted = document.querySelector("[data-date-format]");
  var format = formatted ? JSON.parse(formatted.getAttribute("data-date-format"))
                         : {pattern: "{dd}/{mm}/{yyyy}", months: []};
  var list = document.querySelector("[data-qr-list]");
  var mismatch = false;
  Object.keys(labels).forEach(function (ai) {
    var value = params.get(ai);
    if (value === null || !box) return;
    var text = value, iso = null;
    if (["11", "13", "15", "17"].indexOf(ai) >= 0) {
      iso = isoFromYymmdd(value);
      if (iso) text = shown(iso, format);
    }
    if (lot && iso && (ai === "17" || ai === "15") && lot.use_by && iso !== lot.use_by) mismatch = true;
    if (lot && ai === "10" && lot.lot && value !== lot.lot) mismatch = true;
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = labels[ai];
    dd.textContent = text;
    list.appendChild(dt);
    list.appendChild(dd);
    box.hidden = false;
  });
  if (mismatch) document.querySelector("[data-qr-mismatch]").hidden = false;
  if (lot && lot.use_by) {
    var flag = document.querySelector("[data-past-use-by]");
    if (flag) flag.hidden = !(lot.use_by < today);
  }
  var canonical = document.querySelector("link[rel=canonical]");
  if (location.search && canonical) {
    var links = document.querySelectorAll("[data-report-mail]");
    for (var i = 0; i < links.length; i++) {
      links[i].href = links[i].href.replace(encodeURIComponent(canonical.href),
                                            encodeURIComponent(location.href));
    }
  }
})();
