"""Bank load: time to load and validate generated banks, against parsing the same YAML.

Run: .venv/bin/python -m bench.bank_load
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from bench.common import header, row
from bot.bank import load_bank

PER_FILE = 500
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def generate(directory: Path, count: int) -> None:
    """`count` realistic questions (ITIL-sized texts) in files of PER_FILE questions."""
    for number in range(0, count, PER_FILE):
        items = []
        for i in range(number, min(count, number + PER_FILE)):
            items.append({
                "id": f"q-{i}",
                "question": f"Question {i}: which statement about the practice in this "
                            "scenario best reflects the guidance for handling it well?",
                "options": [
                    {"text": f"The option that is right for question {i} and says why",
                     "correct": True},
                    {"text": "A plausible option that confuses two related concepts"},
                    {"text": "An option that mixes up outputs with outcomes"},
                    {"text": "An option that names the wrong practice for the purpose"},
                ],
                "explanation": "The right option names the concept precisely. The first "
                               "distractor confuses two concepts. The second mixes outputs "
                               "and outcomes. The third names another practice.",
                "difficulty": "medium",
            })
        data = {"syllabus": "Bench", "topic": f"t{number // PER_FILE}",
                "title": f"Topic {number // PER_FILE}", "questions": items}
        (directory / f"t{number // PER_FILE}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    header("bank load: load_bank (parse + validate) vs parsing the same files only")
    per_thousand = {}
    for count in (1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            generate(directory, count)
            files = sorted(directory.glob("*.yaml"))
            ours = best_of(3, lambda d=directory: load_bank(d))
            base = best_of(3, lambda f=files: [yaml.load(p.read_text(encoding="utf-8"),
                                                         Loader=LOADER) for p in f])
        per_thousand[count] = ours / count * 1000
        row(f"{count:>6} questions: s per 1,000", per_thousand[count], base / count * 1000,
            "s", "< 0.3 s per 1,000")
    growth = per_thousand[10_000] / per_thousand[1_000]
    print(f"   linearity: time per 1,000 at 10,000 / at 1,000 = {growth:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
