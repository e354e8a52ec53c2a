"""Lot logs: the sheet a producer or an office keeps of each lot (batch) made, read into the
``batches`` of the product records, so a lot's traceability page and stamp need no YAML typed.

columns   the lot and stage columns, the header words people use, and how a cell becomes a value
          (lot codes, dates typed every way, use-by given as a duration, documents)
find      which sheets of a workbook hold products, lots and stages (the import's dispatch)
reader    rows of the lot and stage sheets -> one draft per lot, with the cells it came from
products  which product a row names: record id, OCOP code, GTIN or name (and producer)
plan      drafts merged into the records (ruamel round trip), checked like ``ocop check``,
          written with their documents
review    the import told to a person; export: lots and stages out as sheets
"""
