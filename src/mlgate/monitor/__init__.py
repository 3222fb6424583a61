"""The drift/skew/monitor job: feature tables compared with the reference data, the report
files, and on a schedule one tracking issue per model."""
