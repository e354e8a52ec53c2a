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
//   /01/<GTIN-14>, /01/<GTIN-14>/10/<lot>  -> the file at the same path + '.html', no redirect
//   /01/<GTIN-14>/ (with a slash)          -> 301 to the address without the slash
//   /qr/<id>.png (codes before SVG)        -> 301 to /qr/<id>.svg
//   /any/folder/                            -> /any/folder/index.html
//   /any/folder (no slash, no extension)    -> 301 to /any/folder/
//   a missing file                          -> 404.html, status 404
// The same rules as deploy/cloudfront-function.js. tests/publishing/test_cloudflare_worker.py
// runs this very file in workerd (Cloudflare's runtime, through Miniflare), with an R2 bucket
// holding the built sample and with moto's S3 endpoint as ORIGIN, and asks it every address.

const GS1 = '01/[0-9]{14}(?:/10/[A-Za-z0-9._-]{1,20})?';
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

function headersFor(key, stored) {
  const headers = new Headers(stored);
  if (!headers.get('content-type')) {
    const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    headers.set('content-type', TYPES[extension] || 'application/octet-stream');
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

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const base = env.BASE || '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const where = route(url.pathname, base);
    if (where.redirect) {
      const location = where.redirect.split('/').map(encodeURIComponent).join('/') + url.search;
      return new Response(null, { status: 301, headers: {
        location, 'cache-control': 'public, max-age=86400' } });
    }
    const load = (key) => env.SITE ? fromBucket(env.SITE, key, request)
      : fromOrigin(env.ORIGIN, key, request);
    let found = where.missing ? null : await load(where.key);
    let key = where.key;
    let status = found ? found.status : 404;
    if (!found) {
      key = base.slice(1) + '404.html';
      found = await load(key);
      if (!found) return new Response('404 Not Found', { status: 404 });
    }
    const body = request.method === 'HEAD' ? null : found.body;
    return new Response(status === 304 ? null : body,
                        { status, headers: headersFor(key, found.headers) });
  },
};
