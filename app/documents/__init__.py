"""The printed documents (reportlab): one module per document, sharing the
letterhead, styles and page furniture of app/documents/layout.py. Each takes
plain data from a query function and returns the file's bytes; views only
pass parameters and send the file."""
