"""Data in and out: the spreadsheet import's rows (spreadsheet_import.py), the full archive
(archive.py, read as one moment: snapshot.py), CSV exports (csv_export.py) and the open-data
release (dataset/).
"""
