"""``GET /metrics`` in Prometheus' text format: what an operator graphs and alerts on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.services.stats import InstanceStats

__all__ = ["Metric", "instance_metrics", "render_metrics"]


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


def instance_metrics(stats: InstanceStats) -> str:
    """The Prometheus page of one statistics snapshot."""
    return render_metrics(
        [
            Metric("summitwatch_up", "1 while the app runs.", "gauge", {(): 1}),
            Metric(
                "summitwatch_subscribers",
                "Subscribed chats by kind.",
                "gauge",
                {(("kind", k),): n for k, n in stats.subscribers_by_kind.items()},
            ),
            Metric(
                "summitwatch_events",
                "Events by status.",
                "gauge",
                {(("status", k),): n for k, n in stats.events_by_status.items()},
            ),
            Metric(
                "summitwatch_messages_total",
                "Deliveries recorded, by outcome (sent, failed, gone, skipped).",
                "counter",
                {(("outcome", k),): n for k, n in stats.deliveries.items()},
            ),
            Metric("summitwatch_feeds", "News sources watched.", "gauge", {(): stats.news.sources}),
            Metric(
                "summitwatch_feeds_failing",
                "News sources whose recent polls keep failing.",
                "gauge",
                {(): stats.news.failing},
            ),
            Metric(
                "summitwatch_feed_polls_total",
                "News source polls since start, by result (error counts poll errors).",
                "counter",
                {(("result", k),): n for k, n in stats.news_polls.items()},
            ),
            Metric(
                "summitwatch_articles", "Articles remembered.", "gauge", {(): stats.news.articles}
            ),
        ]
    )
