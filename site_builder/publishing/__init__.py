"""After the site is written: what a host needs beside it, and what an upload must send.

    rules.py          the rules file of a host (``_redirects``, ``.htaccess``, an nginx map)
    content_types.py  the type every kind of file must be served with, and what an uploader
                      must be told because it would guess wrong
    changes.py        the files a build added, changed and deleted, from two manifests

The ready-to-copy files for servers and CDNs (a CloudFront Function, a Cloudflare Worker, an
nginx server block, a GitHub Actions workflow, a systemd timer) are in ``deploy/`` at the top of
the repository: they run on the host, not here.
"""
