"""The evaluate/compare job: the candidate against production — from the registry (``mlgate
evaluate``/``gate``) or from files (``mlgate compare``) — on evidence, into a verdict."""
