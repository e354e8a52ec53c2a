// Runs the shipped edge code (deploy/cloudfront-function.js, deploy/cloudflare-worker.js) with
// node for a list of requests, and prints what it answered, as JSON on one line.
//
//   node edge.js cloudfront deploy/cloudfront-function.js < requests.json
//   node edge.js worker deploy/cloudflare-worker.js < requests.json
//
// requests.json: {"base": "/", "requests": [{"uri": "/01/08936058120082", "query": "17=270101"}],
//                 "site": "/path/to/site", "types": {"index.html": "text/html"}}
// The CloudFront Function runs in a bare VM context, as CloudFront has no node modules or
// process object; BASE is set the way its header says to. The Worker runs with an R2 binding
// that reads the built site (the types are those an upload stored).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

function querystring(query) {
  const found = {};
  for (const part of query ? query.split('&') : []) {
    const cut = part.indexOf('=');
    const name = cut === -1 ? part : part.slice(0, cut);
    const value = cut === -1 ? '' : part.slice(cut + 1);
    if (found[name]) {
      found[name].multiValue = (found[name].multiValue || [{ value: found[name].value }]);
      found[name].multiValue.push({ value });
    } else {
      found[name] = { value };
    }
  }
  return found;
}

function serialise(qs) {
  if (typeof qs === 'string') return qs;
  const parts = [];
  for (const name of Object.keys(qs)) {
    const values = qs[name].multiValue || [qs[name]];
    for (const v of values) parts.push(v.value === '' ? name : `${name}=${v.value}`);
  }
  return parts.join('&');
}

function cloudfront(file, input) {
  let code = fs.readFileSync(file, 'utf8');
  const setting = /^var BASE = '\/';$/m;
  if (!setting.test(code)) throw new Error(`${file}: no line "var BASE = '/';" to set`);
  code = code.replace(setting, `var BASE = ${JSON.stringify(input.base || '/')};`);
  const handler = vm.runInContext(`${code}\n;handler`, vm.createContext({}), { filename: file });
  return input.requests.map(({ uri, query }) => {
    const event = {
      version: '1.0',
      context: { eventType: 'viewer-request' },
      viewer: { ip: '203.113.0.10' },
      request: { method: 'GET', uri, querystring: querystring(query || ''),
                 headers: { host: { value: 'ocop.khanhhoa.gov.vn' } }, cookies: {} },
    };
    const out = handler(event);
    if (out.statusCode) {
      const headers = {};
      for (const name of Object.keys(out.headers || {})) headers[name] = out.headers[name].value;
      return { status: out.statusCode, headers };
    }
    return { uri: out.uri, query: serialise(out.querystring) };
  });
}

function bucket(root, types) {
  return {
    async get(key, options) {
      const file = path.join(root, key);
      if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        return null;
      }
      const data = fs.readFileSync(file);
      const etag = crypto.createHash('md5').update(data).digest('hex');
      const object = {
        key, size: data.length, etag, httpEtag: `"${etag}"`,
        httpMetadata: types[key] ? { contentType: types[key] } : {},
        writeHttpMetadata(headers) {
          if (this.httpMetadata.contentType) headers.set('content-type', this.httpMetadata.contentType);
        },
      };
      const asked = options && options.onlyIf && options.onlyIf.get
        ? options.onlyIf.get('if-none-match') : null;
      if (asked && asked === object.httpEtag) return object;  // no body: precondition failed
      object.body = new Blob([data]).stream();
      return object;
    },
  };
}

async function worker(file, input) {
  const code = fs.readFileSync(file, 'utf8');
  const module = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const env = { BASE: input.base || '/', SITE: bucket(path.resolve(input.site), input.types || {}) };
  const results = [];
  for (const { uri, query, method, headers } of input.requests) {
    const url = `https://ocop.khanhhoa.gov.vn${uri}${query ? `?${query}` : ''}`;
    const response = await module.default.fetch(new Request(url, { method: method || 'GET', headers }), env);
    const body = Buffer.from(await response.arrayBuffer());
    results.push({
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      sha256: crypto.createHash('sha256').update(body).digest('hex'),
      length: body.length,
    });
  }
  return results;
}

async function main() {
  const [kind, file] = process.argv.slice(2);
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = kind === 'cloudfront' ? cloudfront(file, input) : await worker(file, input);
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
