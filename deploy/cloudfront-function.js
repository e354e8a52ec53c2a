// OCOP catalog on object storage (S3, or any origin) behind Amazon CloudFront.
// A CloudFront Function, JavaScript runtime 2.0, on the distribution's viewer requests.
//
// Build with `host: object-storage` under the ocop plugin in mkdocs.yml, upload site/ (see
// deploy/upload.sh), then in CloudFront:
//   1. Functions > Create function (runtime cloudfront-js-2.0) > paste this file; set BASE
//      below to the path of site_url ('/' or '/ocop/'); Publish.
//   2. The distribution's default behaviour > Viewer request > this function.
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

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var found;
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
