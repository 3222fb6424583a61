"""Feature code every model imports: a change here plans every model (mlgate-plan.yml)."""


def tenure_bucket(months: float) -> str:
    return "new" if months < 12 else "loyal"
