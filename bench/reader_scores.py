"""How well the reader does on the saved real pages, against the targets of the reader issue.

    python bench/reader_scores.py [--shared ../shared]

Runs ``../shared/tools/eval_extract.py`` (the same scorer the team uses) on the seed examples, on
``corpus`` + ``corpus-more`` together and on ``corpus-more`` alone, and prints one table: recall,
precision, start, end, place (a venue or location the page states), title. The README's
"Measured" figures come from this command.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (set, field) → target; a field is "recall", "precision" or one of eval_extract's field scores
TARGETS = {
    ("corpus + corpus-more", "recall"): 0.90,
    ("corpus + corpus-more", "start"): 0.97,
    ("corpus + corpus-more", "end"): 0.90,
    ("corpus + corpus-more", "location"): 0.80,
    ("examples", "recall"): 1.0,
    ("examples", "precision"): 1.0,
}
COLUMNS = ("recall", "precision", "start", "end", "location", "venue", "title", "status")


def score(shared: Path, truths: list[Path]) -> dict:
    tool = shared / "tools" / "eval_extract.py"
    cmd = [sys.executable, str(tool), "--json", "--cmd", f"{sys.executable} -m events.cli extract"]
    out = subprocess.run(cmd + [str(t) for t in truths], capture_output=True, text=True, cwd=ROOT, check=False)
    line = next((x for x in reversed(out.stdout.splitlines()) if x.startswith("{")), None)
    if line is None:
        raise SystemExit(f"eval_extract gave no figures: {out.stderr.strip().splitlines()[-1:]}")
    summary = json.loads(line)
    return {"recall": summary["recall"], "precision": summary["precision"], **summary["fields"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    opts = parser.parse_args()
    shared = opts.shared.resolve()
    if not (shared / "tools" / "eval_extract.py").exists():
        raise SystemExit(f"no scorer at {shared / 'tools' / 'eval_extract.py'}")
    sets = {
        "examples": sorted((shared / "examples").glob("*.expected.json")),
        "corpus + corpus-more": sorted((shared / "corpus" / "truth").glob("*.json"))
        + sorted((shared / "corpus-more" / "truth").glob("*.json")),
        "corpus-more (newest)": sorted((shared / "corpus-more" / "truth").glob("*.json")),
    }
    print(f"| set | pages | {' | '.join(COLUMNS)} |")
    print(f"| --- | --- | {' | '.join('---' for _ in COLUMNS)} |")
    misses = []
    for name, truths in sets.items():
        figures = score(shared, truths)
        cells = []
        for column in COLUMNS:
            value = figures.get(column)
            target = TARGETS.get((name, column))
            text = "" if value is None else f"{value:.3f}"
            if target is not None and value is not None:
                text += f" (≥ {target:.2f})"
                if value < target:
                    misses.append(f"{name} {column} {value:.3f} < {target:.2f}")
            cells.append(text)
        print(f"| {name} | {len(truths)} | {' | '.join(cells)} |")
    print("\n(place = the location a page states, as eval_extract's `location` field scores it)")
    for miss in misses:
        print(f"below target: {miss}")


if __name__ == "__main__":
    main()
