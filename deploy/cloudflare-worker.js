// OCOP catalog on Cloudflare: a Worker in front of an R2 bucket, or of any origin that serves
// the uploaded files by their path (an S3 or MinIO bucket, a plain web server).
//
// On Cloudflare Pages, or a Worker with static assets, you do not need this file: build with
// `host: cloudflare` in mkdocs.yml, and the `_redirects` file the build writes does the same.
//
// Build with `host: object-storage` under the ocop plugin in mkdocs.yml, upload site/ to the
// bucket (deploy/upload.sh: rclone sets each file's Content-Type), then deploy this Worker with
// a wrangler.toml such as:
//
//   name = "ocop-catalog"
//   main = "deploy/cloudflare-worker.js"
//   compatibility_date = "2025-01-01"
//   routes = [{ pattern = "ocop.example.gov.vn", custom_domain = true }]
//   [[r2_buckets]]
//   binding = "SITE"              # the bucket holding site/
//   bucket_name = "ocop-catalog"
//   [vars]
//   BASE = "/"                    # the path of site_url: "/" or "/ocop/"
//   # ORIGIN = "https://bucket.example/"   # instead of SITE: any origin, by its base address
//
// The addresses it answers (the query string, such as GS1's ?17=270101, always stays):
//   /01/<GTIN-14>, /01/<GTIN-14>/10/<lot>  -> the file at the same path + '.html', no redirect;
//                                             and as a GS1 resolver, below
//   /01/<GTIN-14>/ (with a slash)          -> 301 to the address without the slash
//   /qr/<id>.png (codes before SVG)        -> 301 to /qr/<id>.svg
//   /any/folder/                            -> /any/folder/index.html
//   /any/folder (no slash, no extension)    -> 301 to /any/folder/
//   a missing file                          -> 404.html, status 404
// The same rules as deploy/cloudfront-function.js.
//
// A GS1 resolver too (manual/operators.md, "GS1 resolver"), from the linkset the build writes beside each
// GTIN's page (01/<GTIN>.linkset.json); `resolve()` decides:
//   not a GS1 Digital Link (a qualifier out of order, a wrong check digit)  -> 400
//   OPTIONS                                                   -> 204, CORS
//   ?linkType=linkset or all, Accept: application/linkset+json -> the product's linkset
//   ?linkType=gs1:pip (any link type)   -> 307 to that link in the reader's language, the
//                                          lot's if it has its own, the query passed on
//   anything else                       -> the page (above); a lot (or serial) the site has no
//                                          page for: 307 to its product's page
// with CORS and a Link to the linkset on every answer.
// tests/publishing/test_object_storage.py runs this very file in workerd (Cloudflare's
// runtime, through Miniflare), with an R2 bucket holding the built sample and with moto's S3
// endpoint as ORIGIN, and asks it every address, and every GS1 address as a resolver's client.

const GS1 = '01/[0-9]{14}(?:/10/[A-Za-z0-9._-]{1,20})?';
// A GS1 Digital Link of a GTIN, as the resolver reads it: the GTIN, its qualifiers (a variant,
// a lot, a serial: 1 to 20 of GS1's characters each, in that order) and a trailing slash.
const GS1_ADDRESS = /^01\/([0-9]{14})((?:\/[^/]+)*)(\/?)$/;
const VALUE = '[!"%-.0-?A-Z_a-z]{1,20}';
const QUALIFIERS = new RegExp(`^(?:/22/${VALUE})?(?:/10/${VALUE})?(?:/21/${VALUE})?$`);
const VOCABULARY = 'https://ref.gs1.org/voc/';
// ?linkType= as gs1:pip or as the GS1 Web Vocabulary's URI (ref., www. or no prefix).
const LINK_TYPE = /^(?:gs1:|https?:\/\/(?:ref\.|www\.)?gs1\.org\/voc\/)([A-Za-z]+)$/;
const LINKSET = 'application/linkset+json';
const LINKSET_CONTEXT = '<https://ref.gs1.org/standards/resolver/linkset-context>; ' +
  'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': 'Accept, Accept-Language',
  'access-control-expose-headers': 'Link, Location',
};
// The files a resolver names, which other sites' scripts may read.
const RESOLVER_FILE = /(?:^|\/)(?:01\/[0-9]{14}\.(?:linkset\.)?json|\.well-known\/gs1resolver)$/;
const DESCRIPTION = '.well-known/gs1resolver';
// Traceability pages with a slash, which `host: object-storage` writes as x.html (site_builder
// render/views.py TRACE_TREE): /p/<id>/, /p/<id>/<lot>/, /en/p/..., /en/01/<GTIN>/...
const FLAT = '(?:(?:[a-z]{2}/)?p/[^/]+(?:/[^/]+)?|[a-z]{2}/01/[0-9]{14}(?:/10/[^/]+)?)';
// Cache lives (site_builder/publishing/cache_lives.py): the theme's files with a hash in their
// name (main.57a0d79d.min.css) a year; photos and documents a day; pages, data, badges, codes
// and the rest five minutes, since a status can change any day.
const HASHED = /\.[0-9a-f]{8}\.min\.(?:css|js)$/;
const LONG_LIVED = /\.(?:webp|jpg|png|pdf)$/;
// What a file is served as when the bucket holds no type for it.
const TYPES = {
  html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8', json: 'application/json', map: 'application/json',
  geojson: 'application/geo+json', atom: 'application/atom+xml', xml: 'application/xml',
  csv: 'text/csv; charset=utf-8', txt: 'text/plain; charset=utf-8', svg: 'image/svg+xml',
  webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png', ico: 'image/vnd.microsoft.icon',
  woff2: 'font/woff2', pdf: 'application/pdf', bin: 'application/octet-stream',
};

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// What a request for `pathname` (as asked, percent-encoded) gets: { redirect: path },
// { key: object key in the bucket }, or { missing: true } (the 404 page). The one place that
// decides.
export function route(pathname, base) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return { missing: true };  // a malformed escape: no file has such a name
  }
  const root = escapeRegExp(base);
  if (path === base + DESCRIPTION) return { key: path.slice(1) };
  if (new RegExp(`^${root}${GS1}$`).test(path)) return { key: path.slice(1) + '.html' };
  let found = new RegExp(`^(${root}${GS1})/$`).exec(path);
  if (found) return { redirect: found[1] };
  found = new RegExp(`^(${root}(?:.*/)?qr/[^/]+)\\.png$`).exec(path);
  if (found) return { redirect: found[1] + '.svg' };
  found = new RegExp(`^(${root}${FLAT})/$`).exec(path);
  if (found) return { key: found[1].slice(1) + '.html' };
  if (path.endsWith('/')) return { key: path.slice(1) + 'index.html' };
  if (!path.slice(path.lastIndexOf('/') + 1).includes('.')) return { redirect: path + '/' };
  return { key: path.slice(1) };
}

// The GS1 Digital Link asked, or null when `pathname` is none (then `route()` decides).
// { gtin, path: '01/<GTIN>/10/<lot>' without the slash, valid, slash }
export function gs1Address(pathname, base) {
  if (!pathname.startsWith(base)) return null;
  let path;
  try {
    path = decodeURIComponent(pathname.slice(base.length));
  } catch {
    return null;
  }
  const found = GS1_ADDRESS.exec(path);
  if (!found) return null;
  const [, gtin, qualifiers, slash] = found;
  return { gtin, path: `01/${gtin}${qualifiers}`, slash,
           valid: checkDigitOk(gtin) && QUALIFIERS.test(qualifiers) };
}

function checkDigitOk(gtin) {
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(gtin[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(gtin[13]);
}

// What a request for a GS1 address asks: { linkset: true }, { type: 'pip' }, { type: null }
// for a link type it does not write as GS1's, or {} for the page.
export function asked(url, accept) {
  const linkType = url.searchParams.get('linkType');
  if (linkType === 'linkset' || linkType === 'all') return { linkset: true };
  if (linkType) {
    const found = LINK_TYPE.exec(linkType);
    return { type: found ? found[1] : null };
  }
  return (accept || '').toLowerCase().includes(LINKSET) ? { linkset: true } : {};
}

// The link of a type for `path` in the reader's language, walking up from the lot to the
// GTIN: the first level (link context) of the linkset that has a link of the type. The
// language: the first one Accept-Language lists that a link is in, else the first link.
export function chosenLink(linkset, path, type, acceptLanguage) {
  for (const level of levels(linkset, path)) {
    const links = level[VOCABULARY + type];
    if (!links) continue;
    for (const tag of (acceptLanguage || '').split(',')) {
      const lang = tag.trim().split(/[-;\s]/)[0].toLowerCase();
      const link = links.find((l) => (l.hreflang || []).includes(lang));
      if (link) return link;
    }
    return links[0];
  }
  return null;
}

// The link contexts of the linkset for `path` and the levels above it, the closest first.
function levels(linkset, path) {
  const found = [];
  const parts = path.split('/');
  for (let n = parts.length; n >= 2; n -= 2) {
    const here = '/' + parts.slice(0, n).join('/');
    const level = linkset.linkset.find((l) => new URL(l.anchor).pathname.endsWith(here));
    if (level) found.push(level);
  }
  return found;
}

// The query a redirect passes on: as asked, but for linkType (the resolver's instruction).
export function passedOn(search) {
  const kept = search.slice(1).split('&').filter((p) => p && p.split('=')[0] !== 'linkType');
  return kept.length ? '?' + kept.join('&') : '';
}

function headersFor(key, stored) {
  const headers = new Headers(stored);
  if (!headers.get('content-type')) {
    const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    headers.set('content-type', key.endsWith(DESCRIPTION) ? TYPES.json
      : TYPES[extension] || 'application/octet-stream');
  }
  if (key.endsWith('.linkset.json')) {
    headers.set('content-type', LINKSET);
    headers.set('link', LINKSET_CONTEXT);
  }
  if (RESOLVER_FILE.test(key)) {
    for (const [name, value] of Object.entries(CORS)) headers.set(name, value);
  }
  const age = HASHED.test(key) ? 'public, max-age=31536000, immutable'
    : LONG_LIVED.test(key) ? 'public, max-age=86400' : 'public, max-age=300';
  headers.set('cache-control', age);
  return headers;
}

// The object at `key` as { body, headers, status }, or null when there is none.
async function fromBucket(bucket, key, request) {
  const object = await bucket.get(key, { onlyIf: request.headers });
  if (object === null) return null;
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set('etag', object.httpEtag);
  if (!('body' in object)) return { body: null, headers, status: 304 };
  return { body: object.body, headers, status: 200 };
}

async function fromOrigin(origin, key, request) {
  const asked = new Headers();
  for (const name of ['if-none-match', 'if-modified-since']) {
    if (request.headers.get(name)) asked.set(name, request.headers.get(name));
  }
  const response = await fetch(new URL(key.split('/').map(encodeURIComponent).join('/'), origin),
                               { headers: asked });
  // A private S3 bucket answers 403 for a key it does not hold.
  if (response.status === 404 || response.status === 403) return null;
  const headers = new Headers();
  for (const name of ['content-type', 'etag', 'last-modified']) {
    if (response.headers.get(name)) headers.set(name, response.headers.get(name));
  }
  return { body: response.body, headers, status: response.status };
}

// A file of the site as `route()` decided (or the 404 page), with `extra` headers.
async function serve(request, url, base, where, load, extra = {}) {
  if (where.redirect) {
    const location = where.redirect.split('/').map(encodeURIComponent).join('/') + url.search;
    return new Response(null, { status: 301, headers: {
      location, 'cache-control': 'public, max-age=86400', ...extra } });
  }
  let found = where.missing ? null : await load(where.key);
  let key = where.key;
  const status = found ? found.status : 404;
  if (!found) {
    key = base.slice(1) + '404.html';
    found = await load(key);
    if (!found) return new Response('404 Not Found', { status: 404, headers: extra });
  }
  const headers = headersFor(key, found.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  const body = request.method === 'HEAD' ? null : found.body;
  return new Response(status === 304 ? null : body, { status, headers });
}

// What a GS1 address gets (the table at the top of this file).
async function resolve(request, url, base, gs1, load) {
  const headers = { ...CORS, vary: 'Accept, Accept-Language' };
  if (!gs1.valid) {
    return new Response('400: not a GS1 Digital Link\n', { status: 400, headers: {
      ...headers, 'content-type': TYPES.txt } });
  }
  const stored = await load(`${base.slice(1)}01/${gs1.gtin}.linkset.json`, false);
  const text = stored && stored.body ? await new Response(stored.body).text() : null;
  if (text === null) return serve(request, url, base, { missing: true }, load, headers);
  const linkset = JSON.parse(text);
  const site = linkset.linkset[0].anchor.slice(0, -`01/${gs1.gtin}`.length);
  headers.link = `<${site}01/${gs1.gtin}.linkset.json>; rel="linkset"; type="${LINKSET}"`;
  if (request.method === 'OPTIONS') {
    return new Response(null, { status: 204, headers: { ...headers, allow: 'GET, HEAD, OPTIONS' } });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: { ...headers, allow: 'GET, HEAD, OPTIONS' } });
  }
  const wants = asked(url, request.headers.get('accept'));
  const short = { 'cache-control': 'public, max-age=300' };
  if (wants.linkset) {
    return new Response(request.method === 'HEAD' ? null : text, { status: 200, headers: {
      ...headers, ...short, 'content-type': LINKSET, link: LINKSET_CONTEXT } });
  }
  if ('type' in wants) {
    const link = wants.type && chosenLink(linkset, gs1.path, wants.type,
                                          request.headers.get('accept-language'));
    if (!link) return serve(request, url, base, { missing: true }, load, headers);
    return new Response(null, { status: 307, headers: {
      ...headers, ...short, location: link.href + passedOn(url.search) } });
  }
  const [closest] = levels(linkset, gs1.path);
  if (new URL(closest.anchor).pathname === base + gs1.path) {  // a page of the site
    const where = gs1.slash ? { redirect: base + gs1.path } : { key: `${base.slice(1)}${gs1.path}.html` };
    return serve(request, url, base, where, load, headers);
  }
  // A lot (or serial) with no page: the closest level's page (walking up the tree).
  return new Response(null, { status: 307, headers: {
    ...headers, ...short, location: closest.anchor + passedOn(url.search) } });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const base = env.BASE || '/';
    const load = (key, conditional = true) => {
      const asking = conditional ? request : new Request(request.url);
      return env.SITE ? fromBucket(env.SITE, key, asking) : fromOrigin(env.ORIGIN, key, asking);
    };
    const gs1 = gs1Address(url.pathname, base);
    if (gs1) return resolve(request, url, base, gs1, load);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    return serve(request, url, base, route(url.pathname, base), load);
  },
};
