"""What every benchmark prints: the machine, and figures beside their baseline."""

from __future__ import annotations

import os
import platform
import statistics
import sys


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def header(title: str) -> None:
    print(f"== {title}")
    print(f"   machine: {machine()}")
    sys.stdout.flush()


def row(name: str, ours: float, baseline: float, unit: str, target: str = "") -> None:
    """A figure, its baseline, and ours/baseline."""
    ratio = ours / baseline if baseline else float("nan")
    note = f"  (target {target})" if target else ""
    print(f"   {name:<34} ours {ours:>10.2f} {unit:<8} baseline {baseline:>10.2f} {unit:<8}"
          f" ratio {ratio:6.3f}{note}")
    sys.stdout.flush()


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
