"""Lot logs: the sheet a producer or an office keeps of each lot (batch) made, read into the
``batches`` of the product records, so a lot's traceability page and stamp need no YAML typed.

columns   the lot and stage columns, the header words people use, and how a cell becomes a value
          (lot codes, dates typed every way, use-by given as a duration, documents)
find      which sheets of a workbook hold products, lots and stages (the import's dispatch)
reader    rows of the lot and stage sheets -> one draft per lot, with the cells it came from
products  which product a row names: record id, OCOP code, GTIN or name (and producer)
merge     a lot merged into a record's batches (plain data or ruamel's round trip); new lots
          appended to a record's text
plan      the import: drafts merged into the records, checked like ``ocop check``, written
          with their documents
review    the import told to a person; export: lots and stages out as sheets
"""
