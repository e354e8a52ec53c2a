// The shipped Cloudflare Worker (deploy/cloudflare-worker.js) run by workerd, Cloudflare's
// runtime, through Miniflare (the local simulator wrangler itself runs), for the publishing
// tests:
//
//   node worker.js MINIFLARE WORKER BASE r2 SITE_DIR TYPES_JSON   # an R2 bucket bound as SITE
//   node worker.js MINIFLARE WORKER BASE origin URL               # any origin, as ORIGIN
//
// With r2, the bucket holds every file TYPES_JSON names (object key -> the Content-Type an
// upload stored; the key under BASE's path, the file at the rest of it in SITE_DIR). Prints the
// port it listens on (127.0.0.1), then runs until it is stopped.
'use strict';

const fs = require('fs');
const path = require('path');

const [miniflare, worker, base, kind, ...rest] = process.argv.slice(2);
const { Miniflare } = require(miniflare);

async function main() {
  const options = {
    modules: true,
    scriptPath: path.resolve(worker),
    modulesRoot: path.dirname(path.resolve(worker)),
    compatibilityDate: '2025-01-01',
    bindings: { BASE: base },
    host: '127.0.0.1',
    port: 0,
    cf: false,  // no request for Cloudflare's request.cf data
  };
  if (kind === 'r2') options.r2Buckets = ['SITE'];
  else options.bindings.ORIGIN = rest[0];
  const mf = new Miniflare(options);
  const url = await mf.ready;
  if (kind === 'r2') {
    const [site, typesFile] = rest;
    const types = JSON.parse(fs.readFileSync(typesFile, 'utf8'));
    const bucket = await mf.getR2Bucket('SITE');
    const prefix = base.slice(1);
    for (const [key, type] of Object.entries(types)) {
      const file = fs.readFileSync(path.join(site, key.slice(prefix.length)));
      const data = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
      await bucket.put(key, data, type ? { httpMetadata: { contentType: type } } : {});
    }
  }
  process.stdout.write(`${url.port}\n`);
  const stop = () => mf.dispose().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
