"""Spreadsheets in and out: the lists OCOP offices keep (decision annexes, old .xls files,
CSV from a Vietnamese Excel) become records, and records go back out as a sheet.

sources     what ocop import is given: the one place that decides how a path is read, which
            sheets hold a list and which are passed over (and why)
tables      reading any workbook or CSV safely into rows of cells; dates; writing xlsx and CSV
annex       finding the table in an office's list: header rows, section/total/signature rows,
            facts stated once for the whole sheet (decision, date, authority, star level)
columns     the columns we know, their header words, and how a cell becomes a record value
inference   values a list does not state: producer type, product set, regime, post-2025 place
drafts      rows -> one draft per product, whichever sheet its rows are on
importer    the import plan: drafts, merge into records, check, write
review      the import told to a person: what was read, the questions, each product with its
            problems, what is missing
todo        the office's to-do workbook: what was read, inferred, asked and is missing
"""
