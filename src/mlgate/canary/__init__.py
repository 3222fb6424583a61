"""The canary gate (`mlgate canary`, `mlgate canary serve`): live traffic of the canary
against the stable version, decided pass, fail or inconclusive."""
