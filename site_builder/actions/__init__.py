"""What the import workflow (.github/workflows/import.yml) runs beside ``ocop``: problems as
GitHub annotations (``annotations.py``, behind ``ocop check --format github``), a review as the
job's Markdown summary (``summary.py``), and the loop over the files an office uploaded into
``imports/`` (``uploads.py``, ``python -m site_builder.actions``). Plain Python, tested as such.
"""
