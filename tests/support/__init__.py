"""What the tests share besides fixtures (those are in tests/conftest.py): records and catalogs
to build (records.py) and where and how they are built (sites.py). Imported as ``support``
(pytest puts tests/ on the path; a bench script inserts it)."""
