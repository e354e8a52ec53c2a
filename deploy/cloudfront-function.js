// OCOP catalog on object storage (S3, or any origin) behind Amazon CloudFront.
// A CloudFront Function, JavaScript runtime 2.0, on the distribution's viewer requests and
// viewer responses (the same function, associated with both events).
//
// Build with `host: object-storage` under the ocop plugin in mkdocs.yml, upload site/ (see
// deploy/upload.sh), then in CloudFront:
//   1. Functions > Create function (runtime cloudfront-js-2.0) > paste this file; set BASE
//      below to the path of site_url ('/' or '/ocop/'); Publish.
//   2. The distribution's default behaviour > Viewer request > this function, and Viewer
//      response > this function.
//   3. Error pages: 404 -> /404.html with response code 404 (a private bucket behind Origin
//      Access Control answers 403 for a missing file: map 403 the same way).
//   4. Default root object: leave empty (this function answers '/').
//
// What it does, before CloudFront asks the origin (the query string, such as GS1's ?17=270101
// expiry date, always stays as it is):
//   /01/<GTIN-14>, /01/<GTIN-14>/10/<lot>  -> served from the same path + '.html', no redirect
//   /01/<GTIN-14>/ (with a slash)          -> 301 to the address without the slash
//   /qr/<id>.png (codes before SVG)        -> 301 to /qr/<id>.svg
//   /p/<id>/, /p/<id>/<lot>/, /en/p/<id>/,  -> served from the same path less its slash
//   /en/01/<GTIN-14>/ and its lots             + '.html' (a folder fewer per page)
//   /any/folder/                            -> served from /any/folder/index.html
//   /any/folder (no slash, no extension)    -> 301 to /any/folder/ (as S3 website hosting
//                                              does), so the page's relative links resolve
// Cache lives come with each object: deploy/upload.sh stores its Cache-Control.
//
// GS1 addresses: part of a GS1 resolver (manual/operators.md, "GS1 resolver"); a function reads no file,
// so it cannot pick a link out of a linkset or tell a lot with a page from one without:
//   not a GS1 Digital Link                     -> 400
//   OPTIONS                                    -> 204, CORS
//   ?linkType=linkset or all, Accept: application/linkset+json -> the product's linkset
//   ?linkType=gs1:pip (a type linksets hold)   -> 300 Multiple Choices, the linkset
// and CORS and a Link to the linkset on GS1 pages. No redirect to a link, no walking up
// from a lot with no page (404), no /.well-known/gs1resolver: it is not a conformant
// resolver (the Cloudflare Worker is).
// tests/publishing/test_object_storage.py runs this very file, as CloudFront does, in front of an
// S3-compatible server (moto) holding the site as deploy/upload.sh uploads it, and asks it every
// address of the built sample.

var BASE = '/';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

var ROOT = escapeRegExp(BASE);
// GS1 Digital Link pages of the site's first language: the only addresses without a slash.
// A lot code may hold dots (B26.10), so these are recognised by their form, not by an extension.
var GS1_PAGE = new RegExp('^' + ROOT + '01/[0-9]{14}(/10/[A-Za-z0-9._-]{1,20})?$');
var GS1_SLASH = new RegExp('^(' + ROOT + '01/[0-9]{14}(/10/[A-Za-z0-9._-]{1,20})?)/$');
var QR_PNG = new RegExp('^(' + ROOT + '(.*/)?qr/[^/]+)\\.png$');
// Traceability pages with a slash, which `host: object-storage` writes as x.html (site_builder
// render/views.py TRACE_TREE): /p/<id>/, /p/<id>/<lot>/, /en/p/..., /en/01/<GTIN>/...
var FLAT_PAGE = new RegExp('^(' + ROOT + '(?:(?:[a-z]{2}/)?p/[^/]+(?:/[^/]+)?' +
                           '|[a-z]{2}/01/[0-9]{14}(?:/10/[^/]+)?))/$');

// GS1 Digital Links of a GTIN with any qualifiers, for the resolver's answers.
var GS1_ANY = new RegExp('^' + ROOT + '01/([0-9]{14})((?:/[^/]+)*)/?$');
var VALUE = '[!"%-.0-?A-Z_a-z]{1,20}';
var QUALIFIERS = new RegExp('^(?:/22/' + VALUE + ')?(?:/10/' + VALUE + ')?(?:/21/' + VALUE +
                            ')?$');
// The link types of the site's linksets (site_builder/render/linksets.py LINK_TYPES).
var LINK_TYPES = ['defaultLink', 'pip', 'traceability', 'certificationInfo', 'masterData'];
var LINK_TYPE = /^(?:gs1(?::|%3[Aa])|https?(?::|%3[Aa])(?:\/|%2[Ff]){2}(?:ref\.|www\.)?gs1\.org(?:\/|%2[Ff])voc(?:\/|%2[Ff]))([A-Za-z]+)$/;
var LINKSET_FILE = new RegExp('^' + ROOT + '01/[0-9]{14}\\.linkset\\.json$');
var GS1_FILE = new RegExp('^' + ROOT + '01/([0-9]{14})(?:/10/[^/]+)?\\.html$');
var MASTER_DATA = new RegExp('^' + ROOT + '01/[0-9]{14}\\.json$');

// Characters a query may carry as they are; any other run (spaces, Vietnamese letters) is
// percent-encoded, and text already encoded stays as it is.
var QUERY_UNSAFE = /[^A-Za-z0-9\-._~!$'()*+,;:@\/?%]+/g;

function encodeQuery(text) {
  return text.replace(QUERY_UNSAFE, function (run) { return encodeURIComponent(run); });
}

// The query string again, for a redirect. JavaScript lists numeric names (GS1's 17, 10) first,
// so their order may change; what they say does not.
function queryString(querystring) {
  var parts = [];
  for (var name in querystring) {
    var entry = querystring[name];
    var values = entry.multiValue ? entry.multiValue : [entry];
    for (var i = 0; i < values.length; i++) {
      var value = values[i].value;
      parts.push(encodeQuery(name) + (value === '' ? '' : '=' + encodeQuery(value)));
    }
  }
  return parts.length ? '?' + parts.join('&') : '';
}

function redirect(location, request) {
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: {
      location: { value: location + queryString(request.querystring) },
      'cache-control': { value: 'public, max-age=86400' }
    }
  };
}

function cors(headers, gtin) {
  headers['access-control-allow-origin'] = { value: '*' };
  headers['access-control-allow-methods'] = { value: 'GET, HEAD, OPTIONS' };
  headers['access-control-allow-headers'] = { value: 'Accept, Accept-Language' };
  headers['access-control-expose-headers'] = { value: 'Link, Location' };
  if (gtin) {
    headers.vary = { value: 'Accept, Accept-Language' };
    headers.link = { value: '<' + BASE + '01/' + gtin + '.linkset.json>; rel="linkset"; ' +
                            'type="application/linkset+json"' };
  }
  return headers;
}

function checkDigitOk(gtin) {
  var sum = 0;
  for (var i = 0; i < 13; i++) sum += Number(gtin[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(gtin[13]);
}

// What the resolver answers for the GS1 address `found` (GS1_ANY), or null for the page.
function resolve(request, found) {
  var gtin = found[1];
  var qualifiers;
  try {
    qualifiers = decodeURIComponent(found[2]);
  } catch (e) {
    qualifiers = '%';
  }
  if (!checkDigitOk(gtin) || !QUALIFIERS.test(qualifiers)) {
    return { statusCode: 400, statusDescription: 'Bad Request', headers: cors({}) };
  }
  if (request.method === 'OPTIONS') {
    return { statusCode: 204, statusDescription: 'No Content',
             headers: cors({ allow: { value: 'GET, HEAD, OPTIONS' } }, gtin) };
  }
  var asked = request.querystring.linkType;
  var accept = request.headers.accept ? request.headers.accept.value : '';
  if (asked) {
    var type = LINK_TYPE.exec(asked.value);
    if (asked.value !== 'linkset' && asked.value !== 'all' &&
        !(type && LINK_TYPES.indexOf(type[1]) !== -1)) {
      return { statusCode: 404, statusDescription: 'Not Found', headers: cors({}, gtin) };
    }
  } else if (accept.toLowerCase().indexOf('application/linkset+json') === -1) {
    return null;
  }
  request.uri = BASE + '01/' + gtin + '.linkset.json';
  return request;
}

// Viewer responses (CloudFront runs none for a status of 400 or more): CORS, the Link to
// the linkset on GS1 pages, and 300 for a link type asked, which it cannot choose.
function respond(event) {
  var request = event.request;
  var response = event.response;
  var found;
  if (LINKSET_FILE.test(request.uri)) {
    cors(response.headers);
    response.headers['content-type'] = { value: 'application/linkset+json' };
    response.headers.link = { value: '<https://ref.gs1.org/standards/resolver/linkset-context>;' +
      ' rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"' };
    var asked = request.querystring.linkType;
    if (asked && asked.value !== 'linkset' && asked.value !== 'all') {
      response.statusCode = 300;
      response.statusDescription = 'Multiple Choices';
    }
  } else if ((found = GS1_FILE.exec(request.uri))) {
    cors(response.headers, found[1]);
  } else if (MASTER_DATA.test(request.uri)) {
    cors(response.headers);
  }
  return response;
}

function handler(event) {
  if (event.context.eventType === 'viewer-response') {
    return respond(event);
  }
  var request = event.request;
  var uri = request.uri;
  var found;
  if (uri === BASE + '.well-known/gs1resolver') {
    return { statusCode: 404, statusDescription: 'Not Found' };
  }
  if ((found = GS1_ANY.exec(uri))) {
    var answer = resolve(request, found);
    if (answer) {
      return answer;
    }
    if (!GS1_PAGE.test(uri) && !GS1_SLASH.test(uri)) {  // a serial...: no page, 404
      request.uri = uri.replace(/\/$/, '') + '.html';
      return request;
    }
  }
  if (GS1_PAGE.test(uri)) {
    request.uri = uri + '.html';
    return request;
  }
  if ((found = GS1_SLASH.exec(uri))) {
    return redirect(found[1], request);
  }
  if ((found = QR_PNG.exec(uri))) {
    return redirect(found[1] + '.svg', request);
  }
  if ((found = FLAT_PAGE.exec(uri))) {
    request.uri = found[1] + '.html';
    return request;
  }
  if (uri.charAt(uri.length - 1) === '/') {
    request.uri = uri + 'index.html';
    return request;
  }
  var last = uri.slice(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    return redirect(uri + '/', request);
  }
  return request;
}
