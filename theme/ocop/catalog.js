// The catalog's search, filters and sort, in the browser, from the static index of
// site_builder/render/search_index.py. The state lives in the address (?q=&sao=4&sao=5&tinh=...&sx=)
// so a view can be shared or printed as a QR code. A query fetches one small file per word,
// per filter value, per sort and per group of cards shown. Text from the index is set as text,
// never as HTML. Without this script the page is a plain listing.
(() => {
  const form = document.getElementById("ocop-catalog");
  if (!form) return;
  const strings = JSON.parse(form.dataset.strings);
  const root = form.dataset.root;
  const index = form.dataset.index;
  const lang = form.dataset.lang;
  const list = document.querySelector("[data-results]");
  const staticListing = document.querySelector("[data-static-listing]");
  // One count above the results, a polite live region: the catalog's size as built, then
  // what the query finds.
  const status = document.querySelector("[data-count]");
  const total = status.textContent;
  const clear = document.querySelector("[data-clear]");
  const moreWrap = document.querySelector("[data-more-wrap]");
  const share = document.querySelector("[data-share]");
  const shareLink = document.querySelector("[data-share-link]");
  // Filters and sort are folded behind one control on a phone, results first; open when wide.
  const panel = form.querySelector("[data-filters-panel]");
  const wide = window.matchMedia("(min-width: 45em)");
  const PAGE = 30;
  const FILTERS = ["sao", "nganh", "bo", "tinh", "tt"];
  const files = new Map();
  let results = [];
  let shown = 0;
  let run = 0;

  // As search_index.fold_words: lower case, no diacritics, "đ" as "d", letters and digits.
  const words = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d").toLowerCase().match(/[a-z0-9]+/g) || [];

  // The offline copy (site_builder/offline/kit.py) carries the index in a script: browsers do not
  // fetch local files.
  const offline = window.ocopOffline;
  function offlineFile(path) {
    if (!(path in offline)) return null;
    const data = offline[path];
    if (!data || typeof data.base64 !== "string") return data;
    const bytes = Uint8Array.from(atob(data.base64), (c) => c.charCodeAt(0));
    return bytes.buffer;
  }

  function fetchFile(path, binary) {
    if (offline) return Promise.resolve(offlineFile(decodeURIComponent(path)));
    if (!files.has(path)) {
      files.set(path, fetch(index + path).then((response) => {
        if (response.status === 404) return null; // no product has that word or value
        if (!response.ok) throw new Error(`${response.status} ${path}`);
        return binary ? response.arrayBuffer() : response.json();
      }));
    }
    return files.get(path);
  }
  const fetchJson = (path) => fetchFile(path, false);

  // A set of products' slots (search_index.product_set): deltas, or a base64 bitset.
  function members(set) {
    if (!set) return [];
    if (typeof set === "string") {
      const bytes = atob(set);
      const found = [];
      for (let b = 0; b < bytes.length; b += 1) {
        const byte = bytes.charCodeAt(b);
        for (let bit = 0; bit < 8; bit += 1) if (byte & (1 << bit)) found.push(b * 8 + bit);
      }
      return found;
    }
    let at = 0;
    return set.map((d) => (at += d));
  }

  // Slots in a sort order: little-endian integers of meta.order_bytes bytes.
  async function order(path) {
    const meta = await fetchJson(`${lang}/meta.json`);
    const view = new DataView(await fetchFile(path, true));
    const size = meta.order_bytes;
    const numbers = new Array(view.byteLength / size);
    for (let i = 0; i < numbers.length; i += 1) {
      numbers[i] = size === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
    }
    return numbers;
  }

  // The products in name order, and by slot: the place in that order, the state (stars shown
  // as current times 16, and status: its place in meta.statuses) and the card file (named by
  // its first product's slot; meta.card_files says how many cards each holds, in name order).
  let catalogPromise = null;
  function catalog() {
    if (!catalogPromise) {
      catalogPromise = Promise.all([fetchJson(`${lang}/meta.json`), order(`${lang}/sort/ten.bin`),
        fetchFile(`${lang}/state.bin`, true)]).then(([meta, byName, stateBytes]) => {
        const states = new Uint8Array(stateBytes);
        const place = new Int32Array(meta.slots).fill(-1);
        const state = new Uint8Array(meta.slots);
        const file = new Int32Array(meta.slots);
        const at = new Int32Array(meta.slots);
        let rank = 0;
        for (const size of meta.card_files) {
          const first = byName[rank];
          for (let k = 0; k < size; k += 1, rank += 1) {
            const slot = byName[rank];
            place[slot] = rank;
            state[slot] = states[rank];
            file[slot] = first;
            at[slot] = k;
          }
        }
        return { meta, byName, place, state, file, at };
      });
      catalogPromise.catch(() => { catalogPromise = null; });
    }
    return catalogPromise;
  }
  const intersect = (a, b) => {
    const keep = new Set(b);
    return a.filter((x) => keep.has(x));
  };

  // A word's products; the last word typed may be the start of longer words, once it has as
  // many letters as the word files are named by (shorter, it must be a whole word).
  async function wordMatches(word, prefix) {
    const meta = await fetchJson(`${lang}/meta.json`);
    const shard = await fetchJson(`${lang}/w/${word.slice(0, meta.shard_letters)}.json`);
    if (!shard) return [];
    if (!prefix || word.length < meta.shard_letters) return members(shard[word]);
    const found = new Set();
    for (const [known, set] of Object.entries(shard)) {
      if (known.startsWith(word)) for (const i of members(set)) found.add(i);
    }
    return [...found].sort((a, b) => a - b);
  }

  async function matching(params) {
    let found = null;
    const typed = words(params.get("q") || "");
    // Every word must match; the last one may be the start of a word (as the reader types).
    const byWord = await Promise.all(typed.map((w, i) => wordMatches(w, i === typed.length - 1)));
    for (const positions of byWord) found = found === null ? positions : intersect(found, positions);
    for (const key of FILTERS) {
      const values = params.getAll(key);
      if (!values.length) continue;
      const lists = await Promise.all(values.map((v) => fetchJson(`f/${key}/${encodeURIComponent(v)}.json`)));
      const any = [...new Set(lists.flatMap(members))].sort((a, b) => a - b);
      found = found === null ? any : intersect(found, any);
    }
    const sort = params.get("sx");
    if (sort === "moi") {
      const newest = await order("sort/moi.bin");
      if (found === null) return newest;
      const wanted = new Set(found);
      return newest.filter((i) => wanted.has(i));
    }
    const { byName, place, state } = await catalog();
    if (found === null) found = byName;
    if (sort === "ten") return found.slice().sort((a, b) => place[a] - place[b]);
    // Otherwise in catalog order: certified first, by stars, then by name.
    const group = (i) => { const stars = state[i] >> 4; return stars ? 5 - stars : 5; };
    return found.map((i) => [group(i), place[i], i]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map((triple) => triple[2]);
  }

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
    const ticked = form.querySelectorAll("input[type=checkbox]:checked").length;
    panel.querySelector("[data-active-filters]").textContent = ticked ? ` (${ticked})` : "";
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(data, state, statuses) {
    const [id, name, nameLang, producer, place, photo, alt] = data;
    const stars = state >> 4;
    const statusKey = statuses[state & 15];
    const item = el("li", "ocop-card");
    const link = el("a", "ocop-card__link");
    link.href = `${form.dataset.products}${id}/${offline ? "index.html" : ""}`;
    if (photo) {
      const img = el("img", "ocop-card__photo");
      img.src = `${root}san-pham/${id}/${photo}.webp`;
      img.alt = alt || name;
      img.loading = "lazy";
      img.decoding = "async";
      link.append(img);
    } else {
      link.append(el("span", "ocop-card__photo ocop-card__nophoto", strings.nophoto)); // as macros.html
    }
    const title = el("span", "ocop-card__name", name);
    if (nameLang) title.lang = nameLang;
    link.append(title);
    const info = el("span", "ocop-card__meta");
    if (stars > 0) {
      const mark = el("span", "ocop-stars", "★".repeat(stars));
      mark.setAttribute("role", "img");
      mark.setAttribute("aria-label", strings.stars.replace("{n}", stars));
      mark.title = mark.getAttribute("aria-label");
      info.append(mark, " ");
    }
    info.append(el("span", `ocop-badge ocop-status-${statusKey}`, strings.status[statusKey]));
    item.append(link, info, el("span", "ocop-card__producer", producer),
      el("span", "ocop-card__place", place));
    return item;
  }

  async function showMore(current) {
    const slice = results.slice(shown, shown + PAGE);
    const { meta, state, file, at } = await catalog();
    const groups = await Promise.all([...new Set(slice.map((i) => file[i]))]
      .map(async (n) => [n, await fetchJson(`${lang}/c/${n}.json`)]));
    const cards = new Map(groups);
    if (current !== run) return;
    for (const i of slice) list.append(card(cards.get(file[i])[at[i]], state[i], meta.statuses));
    shown += slice.length;
    moreWrap.hidden = shown >= results.length;
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
    clear.hidden = !active;
    shareLink.href = location.href;
    shareLink.textContent = decodeURI(location.href);
    const current = ++run;
    if (!active) {
      list.hidden = true;
      moreWrap.hidden = true;
      staticListing.hidden = false;
      status.textContent = total;
      form.dataset.shown = "";
      return;
    }
    status.textContent = strings.loading;
    try {
      const found = await matching(params);
      if (current !== run) return;
      results = found;
      shown = 0;
      list.replaceChildren();
      staticListing.hidden = true;
      list.hidden = false;
      status.textContent = results.length
        ? strings.count.replace("{count}", results.length.toLocaleString(lang))
        : strings.none;
      await showMore(current);
    } catch (error) {
      if (current !== run) return;
      status.textContent = strings.unavailable;
      list.hidden = true;
      staticListing.hidden = false;
    }
    if (current === run) form.dataset.shown = params.toString(); // what the cards show (tests)
  }

  let timer = 0;
  form.addEventListener("input", (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => update(true), event.target.type === "search" ? 250 : 0);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    update(true);
  });
  clear.addEventListener("click", (event) => {
    event.preventDefault();
    form.reset();
    update(true);
  });
  document.querySelector("[data-more]").addEventListener("click", () => showMore(run));
  window.addEventListener("popstate", () => { readAddress(); update(false); });
  const fitPanel = () => { panel.open = wide.matches; };
  wide.addEventListener("change", fitPanel);
  fitPanel();
  form.hidden = false;
  readAddress();
  update(false);
})();
