"""Negative-spike detection over scored interactions (spec S3.2.1).

Pure functions: given counts for the current rolling window and for the
baseline before it, decide whether negative opinion spikes.
``services.opinion_spike_check`` loads the counts and opens the incident.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings

__all__ = ["SpikeThresholds", "SpikeVerdict", "default_thresholds", "evaluate_spike"]


@dataclass(frozen=True)
class SpikeThresholds:
    window_minutes: int = 60
    baseline_hours: int = 24 * 7
    min_negative_count: int = 5
    min_negative_share: float = 0.4
    baseline_multiplier: float = 2.0


@dataclass(frozen=True)
class SpikeVerdict:
    is_spike: bool
    negative_count: int
    total_count: int
    share: float
    baseline_share: float
    baseline_negative_per_window: float

    def as_dict(self) -> dict:
        return asdict(self)


def default_thresholds() -> SpikeThresholds:
    """Thresholds from ``settings.OPINION_ALERT_DEFAULTS`` (a dict), else built-ins."""
    overrides = getattr(settings, "OPINION_ALERT_DEFAULTS", None) or {}
    return SpikeThresholds(**overrides)


def evaluate_spike(
    *,
    negative: int,
    total: int,
    baseline_negative: int,
    baseline_total: int,
    thresholds: SpikeThresholds,
) -> SpikeVerdict:
    """A spike: enough negatives, a high negative share, and well above the baseline.

    "Well above" means the window's negative share is ``baseline_multiplier``
    times the baseline share, or its negative count that many times the
    baseline's average negatives per window (so a team that is always
    criticised a little does not alert on every busy hour).
    """
    share = negative / total if total else 0.0
    baseline_share = baseline_negative / baseline_total if baseline_total else 0.0
    windows_in_baseline = max(thresholds.baseline_hours * 60 / thresholds.window_minutes, 1.0)
    per_window = baseline_negative / windows_in_baseline
    above_baseline = (
        share >= thresholds.baseline_multiplier * baseline_share
        or negative >= thresholds.baseline_multiplier * max(per_window, 1.0)
    ) and share > baseline_share
    is_spike = (
        negative >= thresholds.min_negative_count
        and share >= thresholds.min_negative_share
        and above_baseline
    )
    return SpikeVerdict(
        is_spike=is_spike, negative_count=negative, total_count=total, share=round(share, 4),
        baseline_share=round(baseline_share, 4),
        baseline_negative_per_window=round(per_window, 4),
    )
