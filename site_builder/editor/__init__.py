"""The form editor: Decap CMS at /admin/, its fields made from the record schema.

``fields.py`` turns the records' JSON Schema (``ocop schema``) into the editor's fields, in
the record's field order, with labels from ``labels/<lang>.yml``; ``admin.py`` writes the
/admin/ page and its ``config.yml``; ``bundle.py`` brings Decap CMS's script from npm, pinned
and checked, so the site loads nothing from other hosts. Off unless ``editor: {enabled: true}``.
"""
