// CloudFront in front of an S3 bucket's REST endpoint, as a phone reaches the catalog, for the
// publishing tests:
//
//   node cloudfront.js FUNCTION BASE ORIGIN
//
// Every request first goes through the viewer-request function FUNCTION (the shipped
// deploy/cloudfront-function.js, its BASE line set as its header says, run in a bare VM context
// as CloudFront runs it: no node modules, no process). An answer it returns (a redirect) is
// sent as it is; a request it returns is fetched from ORIGIN (http://host:port/bucket), and a
// 403 or 404 from there is answered with BASE + '404.html' and status 404, the custom error
// response the function's header asks for. A response below 400 from the origin then goes
// through the same function as a viewer response (CloudFront runs none for 400 and above).
// Prints the port it listens on (127.0.0.1), then runs until it is stopped.
'use strict';

const fs = require('fs');
const http = require('http');
const vm = require('vm');

const [file, base, origin] = process.argv.slice(2);
const PASSED = ['content-type', 'content-length', 'cache-control', 'etag', 'last-modified'];

function handlerOf(path) {
  let code = fs.readFileSync(path, 'utf8');
  const setting = /^var BASE = '\/';$/m;
  if (!setting.test(code)) throw new Error(`${path}: no line "var BASE = '/';" to set`);
  code = code.replace(setting, `var BASE = ${JSON.stringify(base)};`);
  return vm.runInContext(`${code}\n;handler`, vm.createContext({}), { filename: path });
}

// The query string as CloudFront hands it to a function: name -> {value} or {multiValue}.
function querystring(query) {
  const found = {};
  for (const part of query ? query.split('&') : []) {
    const cut = part.indexOf('=');
    const name = cut === -1 ? part : part.slice(0, cut);
    const value = cut === -1 ? '' : part.slice(cut + 1);
    if (found[name]) {
      found[name].multiValue = found[name].multiValue || [{ value: found[name].value }];
      found[name].multiValue.push({ value });
    } else {
      found[name] = { value };
    }
  }
  return found;
}

// A HEAD is asked as a GET, its body dropped: moto refuses an unsigned HEAD that S3 answers
// (S3 takes the policy's s3:GetObject for HEAD too).
async function fromOrigin(uri, method) {
  const response = await fetch(origin + uri);
  const headers = {};
  for (const name of PASSED) {
    if (response.headers.get(name) !== null) headers[name] = response.headers.get(name);
  }
  const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers, body };
}

const handler = handlerOf(file);
const server = http.createServer(async (request, response) => {
  try {
    const cut = request.url.indexOf('?');
    const uri = cut === -1 ? request.url : request.url.slice(0, cut);
    const query = cut === -1 ? '' : request.url.slice(cut + 1);
    // Header names in lower case, as CloudFront hands them to a function.
    const viewerHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) {
      viewerHeaders[name.toLowerCase()] = { value: String(value) };
    }
    const out = handler({
      version: '1.0',
      context: { eventType: 'viewer-request' },
      viewer: { ip: '203.113.0.10' },
      request: { method: request.method, uri, querystring: querystring(query),
                 headers: viewerHeaders, cookies: {} },
    });
    if (out.statusCode) {
      const headers = {};
      for (const name of Object.keys(out.headers || {})) headers[name] = out.headers[name].value;
      response.writeHead(out.statusCode, headers);
      response.end();
      return;
    }
    let found = await fromOrigin(out.uri, request.method);
    if (found.status === 403 || found.status === 404) {
      found = await fromOrigin(`${base}404.html`, request.method);
      found.status = 404;
    } else if (found.status < 400) {
      const headers = {};
      for (const name of Object.keys(found.headers)) headers[name] = { value: found.headers[name] };
      const answered = handler({
        version: '1.0', context: { eventType: 'viewer-response' },
        viewer: { ip: '203.113.0.10' }, request: out,
        response: { statusCode: found.status, statusDescription: '', headers, cookies: {} },
      });
      found.status = answered.statusCode;
      found.headers = {};
      for (const name of Object.keys(answered.headers)) found.headers[name] = answered.headers[name].value;
    }
    response.writeHead(found.status, found.headers);
    response.end(found.body);
  } catch (error) {
    response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(String(error.stack || error));
  }
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
