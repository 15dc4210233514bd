"""The tiny condition language of the catalogue: `{field: x, equals: v}` or `{field: x, in: [a, b]}`."""

from collections.abc import Mapping


def condition_holds(condition: Mapping | None, answers: Mapping) -> bool:
    if not condition:
        return True
    value = answers.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    return value in condition["in"]


def applicable(items: list[dict], answers: Mapping) -> list[dict]:
    """Items (fields or documents) whose condition holds for these answers."""
    return [item for item in items if condition_holds(item.get("when"), answers)]
