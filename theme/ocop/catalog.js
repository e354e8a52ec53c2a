// The catalog's search, filters and sort, run in the browser with the Pagefind index
// (site_builder/search_index.py). The state lives in the address (?q=&sao=4&sao=5&tinh=...&sx=)
// so a view can be shared or printed as a QR code. Text from the index is set as text, never
// as HTML. Without this script the page is a plain listing.
(() => {
  const form = document.getElementById("ocop-catalog");
  if (!form) return;
  const strings = JSON.parse(form.dataset.strings);
  const root = form.dataset.root;
  const list = document.querySelector("[data-results]");
  const staticListing = document.querySelector("[data-static-listing]");
  const status = form.querySelector("[data-results-status]");
  const moreWrap = document.querySelector("[data-more-wrap]");
  const share = form.querySelector("[data-share]");
  const shareLink = form.querySelector("[data-share-link]");
  const PAGE = 30;
  const FILTERS = ["sao", "nganh", "bo", "tinh", "tt"];
  let pagefind = null;
  let results = [];
  let shown = 0;
  let run = 0;

  // The index holds every word also without diacritics; fold what the reader types the same way.
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();

  function readAddress() {
    const params = new URLSearchParams(location.search);
    form.elements.q.value = params.get("q") || "";
    for (const box of form.querySelectorAll("input[type=checkbox]")) {
      box.checked = params.getAll(box.name).includes(box.value);
    }
    const sort = params.get("sx") || "";
    form.elements.sx.value = [...form.elements.sx.options].some((o) => o.value === sort) ? sort : "";
    markOpenFilters();
  }

  function state() {
    const params = new URLSearchParams();
    const q = form.elements.q.value.trim();
    if (q) params.set("q", q);
    for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
      params.append(box.name, box.value);
    }
    if (form.elements.sx.value) params.set("sx", form.elements.sx.value);
    return params;
  }

  function markOpenFilters() {
    for (const details of form.querySelectorAll("details.ocop-filter")) {
      const n = details.querySelectorAll("input:checked").length;
      details.querySelector(".ocop-filter__n").textContent = n ? ` (${n})` : "";
      if (n) details.open = true;
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function siteLink(url) {
    return root + url.replace(/^\/+/, "");
  }

  function card(data) {
    const meta = data.meta;
    const item = el("li", "ocop-card");
    const link = el("a", "ocop-card__link");
    link.href = siteLink(data.url);
    if (meta.image) {
      const picture = el("picture");
      const source = el("source");
      source.type = "image/webp";
      source.srcset = siteLink(meta.image);
      const img = el("img", "ocop-card__photo");
      img.src = siteLink(meta.image_fallback || meta.image);
      img.alt = meta.image_alt || meta.title || "";
      img.loading = "lazy";
      img.decoding = "async";
      picture.append(source, img);
      link.append(picture);
    }
    link.append(el("span", "ocop-card__name", meta.title || ""));
    const info = el("span", "ocop-card__meta");
    const stars = Number(meta.stars || 0);
    if (stars > 0) {
      const mark = el("span", "ocop-stars", "★".repeat(stars));
      mark.setAttribute("role", "img");
      mark.setAttribute("aria-label", strings.stars.replace("{n}", stars));
      mark.title = mark.getAttribute("aria-label");
      info.append(mark, " ");
    }
    info.append(el("span", `ocop-badge ocop-status-${meta.status || "valid"}`, meta.status_text || ""));
    item.append(link, info, el("span", "ocop-card__producer", meta.producer || ""),
      el("span", "ocop-card__place", meta.place || ""));
    return item;
  }

  async function showMore(current) {
    const slice = results.slice(shown, shown + PAGE);
    const data = await Promise.all(slice.map((r) => r.data()));
    if (current !== run) return;
    for (const d of data) list.append(card(d));
    shown += slice.length;
    moreWrap.hidden = shown >= results.length;
  }

  async function load() {
    if (!pagefind) {
      pagefind = await import(form.dataset.bundle);
      await pagefind.options({ baseUrl: "/" });
      await pagefind.init();
    }
    return pagefind;
  }

  async function update(writeAddress) {
    const params = state();
    markOpenFilters();
    if (writeAddress) {
      const query = params.toString();
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
    }
    const active = [...params.keys()].length > 0;
    share.hidden = !active;
    shareLink.href = location.href;
    shareLink.textContent = decodeURI(location.href);
    if (!active) {
      run += 1;
      list.hidden = true;
      moreWrap.hidden = true;
      staticListing.hidden = false;
      status.textContent = "";
      form.dataset.shown = "";
      return;
    }
    const current = ++run;
    status.textContent = strings.loading;
    let engine;
    try {
      engine = await load();
    } catch (error) {
      status.textContent = strings.unavailable;
      form.dataset.shown = "unavailable";
      return;
    }
    const filters = {};
    for (const key of FILTERS) {
      const values = params.getAll(key);
      if (values.length) filters[key] = { any: values };
    }
    const term = fold(params.get("q") || "");
    const sortKey = params.get("sx");
    const sort = sortKey === "ten" ? { ten: "asc" } : sortKey === "sao" ? { sao: "desc" }
      : sortKey === "moi" ? { moi: "desc" } : term ? undefined : { "thu-tu": "asc" };
    const options = { filters };
    if (sort) options.sort = sort;
    const found = await engine.search(term || null, options);
    if (current !== run) return;
    results = found.results;
    shown = 0;
    list.replaceChildren();
    staticListing.hidden = true;
    list.hidden = false;
    status.textContent = results.length
      ? strings.count.replace("{count}", results.length.toLocaleString(form.dataset.lang))
      : strings.none;
    await showMore(current);
    if (current === run) form.dataset.shown = params.toString();  // what the cards show (tests)
  }

  let timer = 0;
  form.addEventListener("input", (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => update(true), event.target.type === "search" ? 250 : 0);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update(true);
  });
  form.querySelector("[data-clear]").addEventListener("click", (event) => {
    event.preventDefault();
    form.reset();
    update(true);
  });
  document.querySelector("[data-more]").addEventListener("click", () => showMore(run));
  window.addEventListener("popstate", () => { readAddress(); update(false); });
  form.hidden = false;
  readAddress();
  update(false);
})();
