"""Readers and writers of every file mlgate reads or writes; each error names the file and
the field."""
