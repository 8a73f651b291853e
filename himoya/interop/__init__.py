"""Import and export of case data: HTCDS spreadsheet, CTDC global data, HTCDS XLSForm.

- `htcds.py`, `xlsform.py`, `ctdc_read.py`: read (streamed) and write the three formats;
  `fields.py` is the HTCDS record they share; `validation.py` checks it row by row.
- `ctdc.py`: the CTDC import, column-wise with pyarrow and COPY; the CTDC ↔ HTCDS
  mapping itself is `himoya.vocab.ctdc`.
- `store.py`: HTCDS records ↔ persons and cases; `bulk.py`: COPY / bulk_create.
- `actions.py`: `do_import` and `do_export` (atomic, audited); `jobs.py`: the same as
  background jobs; views, forms and the `himoya import` / `himoya export` commands.

Source keys (`Case.source_key`, per organisation) make re-imports add nothing:
`ctdc:<file sha256, 32 hex>:<row, 7 digits>` and `htcds:<file hash>:<row>` (the row's place
in the file, never its content), `xlsform:<instance id>` (`uuid:…`) for submissions.
"""
