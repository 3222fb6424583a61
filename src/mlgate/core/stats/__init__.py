"""Statistics on per-example predictions: metrics, and paired confidence intervals for
the difference between candidate and baseline on the same examples. Pure numpy."""
