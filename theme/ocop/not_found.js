/* A missing traceability address (a lot printed before its page was published, or a typo):
   find the product the address belongs to and link to it instead of a bare "not found". */
(function () {
  var cfg = JSON.parse(document.getElementById("ocop-nf").textContent);
  var path = location.pathname;
  if (path.indexOf(cfg.base) === 0) path = path.slice(cfg.base.length);
  // A listing's or a province's completeness page that is no more (pages merge when the
  // product ending one goes, and pages were numbered '2/', '3/' before;
  // output/listing_pages.py): the first page.
  var listing = path.match(/^((?:[a-z]{2}\/)?(?:san-pham|sao\/\d|tinh\/[a-z0-9-]+|nganh\/[a-z0-9-]+|truy-xuat\/[a-z0-9-]+))\/(?:\d+|trang-sau-[a-z0-9-]+)\/?$/);
  if (listing) { location.replace(cfg.base + listing[1] + "/"); return; }
  var gs1 = path.match(/^01\/(\d{8,14})(?:\/10\/([^\/]+))?\/?$/);
  var short = path.match(/^p\/([a-z0-9-]+)\/([^\/]+)\/?$/);
  var target = null, code = null, lot = null;
  if (gs1) {
    code = ("00000000000000" + gs1[1]).slice(-14);
    lot = gs1[2] ? decodeURIComponent(gs1[2]) : null;
    target = cfg.base + "01/" + code;
  } else if (short) {
    code = short[1];
    lot = decodeURIComponent(short[2]);
    target = cfg.base + "p/" + code + "/";
  }
  if (!target) return;
  function missing() {
    document.querySelector("[data-nf-missing-text]").textContent = cfg.product.replace("{code}", code);
    document.querySelector("[data-nf-missing]").hidden = false;
  }
  if (!lot && gs1 && gs1[1].length === 14) { missing(); return; }
  fetch(target).then(function (response) {
    if (!response.ok) { missing(); return; }
    return response.text().then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var heading = page.querySelector("h1");
      var link = document.querySelector("[data-nf-product]");
      link.href = target;
      link.textContent = heading ? heading.textContent : target;
      document.querySelector("[data-nf-lot-text]").textContent =
        lot ? cfg.lot.replace("{lot}", lot) : "";
      document.querySelector("[data-nf-lot]").hidden = false;
    });
  }).catch(missing);
})();
