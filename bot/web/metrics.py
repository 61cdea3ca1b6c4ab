"""``GET /metrics`` in Prometheus' text format: what an operator graphs and alerts on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Metric", "render_metrics"]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    help: str
    kind: str  # "gauge" or "counter"
    samples: Mapping[tuple[tuple[str, str], ...], float] = field(default_factory=dict)


def _escape(value: str) -> str:
    """Label values escape backslash, double quote and newline (the format's only escapes)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: tuple[tuple[str, str], ...]) -> str:
    if not pairs:
        return ""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in pairs) + "}"


def render_metrics(metrics: list[Metric]) -> str:
    lines = []
    for metric in metrics:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        for labels, value in sorted(metric.samples.items()):
            lines.append(f"{metric.name}{_labels(labels)} {value:g}")
    return "\n".join(lines) + "\n"
