"""The catalog as a GS1 resolver: what a scanner or an app that meets a product's GS1 Digital
Link (``/01/<GTIN>``, ``/01/<GTIN>/10/<lot>``) can ask of it besides the page.

    linksets.py     each GTIN product's links (RFC 9264 linkset, built with the site) and its
                    record as JSON (the target of ``gs1:masterData``)
    description.py  the resolver description file, ``/.well-known/gs1resolver``

The build writes these as plain files: ``01/<GTIN>.linkset.json`` and ``01/<GTIN>.json`` on
every host, the description file only where the host answers as a resolver
(``output/hosts.py``, ``Host.resolver``). The answering itself (a linkset for ``?linkType=linkset``
or ``Accept: application/linkset+json``, a redirect for ``?linkType=gs1:pip``, CORS, the
``Link`` header, 400 for an address that is not a GS1 Digital Link) is the host's: the rules
``publishing/rules.py`` writes for Apache and nginx, and ``deploy/cloudflare-worker.js`` and
``deploy/cloudfront-function.js``. A plain request still gets the page at once.
"""
