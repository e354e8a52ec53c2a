"""After the site is written: what a host needs beside it, and what an upload must send.

    rules.py          the rules files of a host (``_redirects``, ``_headers``, ``.htaccess``,
                      an nginx map)
    cache_lives.py    how long each file may be kept (Cache-Control); what is never published
    content_types.py  the type every kind of file must be served with, and what an uploader
                      must be told because it would guess wrong
    changes.py        the files a build added, changed and deleted, from two manifests
    resolver_table.py what the GS1 resolver's rules for nginx and Apache look up

The ready-to-copy files for servers and CDNs (a CloudFront Function, a Cloudflare Worker and a
wrangler.toml, an nginx server block, the upload script, a GitHub Actions workflow, a systemd
timer) are in ``deploy/`` at the top of the repository: they run on the host, not here.
"""
