"""What the journalists' pages and the API share to list records, so that neither imports the
other: the filters every list reads (`filters.py`, django-filter) and keyset paging by a
queryset's own order (`keyset.py`: the API's cursors and the pages' signed cursors)."""
