"""Build a static catalog of Vietnam's OCOP products from YAML records.

The folders are the pipeline, in order; each stage imports only the ones before it:

    domain/   the OCOP programme: products, certifications and their status on a day, the 26
              product sets, places before and after the 2025 reform (no I/O, no rendering)
    records/  reading product.yml safely, the record schema, every check (all problems at
              once), the cache of validated records
    render/   what pages say: addresses, views, strings per language, filters, search index,
              open data
    assets/   files made from records, cached by content: QR codes, photos, share pictures,
              badges, the icon, the typeface
    output/   the site plan (units and their keys), the site shell, writing, publishing, the
              up-to-date check
    publishing/  what a host needs beside the site (its rules file), the types an upload
              must set, the files a build changed since the last upload
    mkdocs/   the edge to MkDocs and Material (the only code that imports them)
    cli.py    the other edge: the `ocop` command

Features use the stages: paper/ (stamps, brochure, cards, poster), sheets/ (spreadsheets in
and out), offline/ (the fair kit). config.py, problems.py and progress.py are shared by all.
"""

__version__ = "0.1.0"
