"""Regenerate docs/article_view.png and docs/trends.png from the seed articles.

Runs the README's commands (``framing view``, ``framing score``, ``framing trends``) in a
temporary folder, screenshots the pages in headless Chromium and quantises the PNGs to a
palette so each stays under 300 KB.

    python scripts/docs_screenshots.py [--seeds ../shared/seeds]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from framing.cli import main

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 300_000


def shoot(page: Path, out: Path, size: tuple[int, int], profile: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
                    f"--screenshot={out}", page.resolve().as_uri()], check=True, capture_output=True)
    for colours in (256, 128, 64):
        if out.stat().st_size < LIMIT:
            break
        Image.open(out).convert("RGB").quantize(colours).save(out, optimize=True)
    print(f"{out}: {out.stat().st_size // 1000} KB")


def run(seeds: Path) -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        assert main(["view", str(seeds / "004_da9ea7aea5780472.txt"), "--id", "004_da9ea7aea5780472-04",
                     "-o", str(tmp / "page.html")]) == 0
        shoot(tmp / "page.html", docs / "article_view.png", (1200, 1100), tmp / "profile")
        assert main(["score", str(seeds), "-o", str(tmp / "s.jsonl"), "--no-progress"]) == 0
        assert main(["trends", str(tmp / "s.jsonl"), "-o", str(tmp / "trends"), "--articles", str(seeds)]) == 0
        shoot(tmp / "trends" / "index.html", docs / "trends.png", (1200, 1100), tmp / "profile")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    run(parser.parse_args().seeds)
