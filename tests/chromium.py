"""Headless Chromium for the page tests: the DOM after render, and screenshots."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed and could not be: run `apt-get install -y "
                             "chromium` as root (.ci/run does this when it runs as root)")


def _run(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--hide-scrollbars", f"--user-data-dir={tmp / 'profile'}", *args, page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def dump_dom(page: Path, tmp: Path) -> str:
    """The DOM as Chromium has rendered it."""
    return _run(page, tmp, "--dump-dom").stdout


def screenshot(page: Path, out: Path, tmp: Path, size: tuple[int, int] = (1200, 1000)) -> Path:
    _run(page, tmp, f"--window-size={size[0]},{size[1]}", f"--screenshot={out}")
    assert out.exists() and out.stat().st_size > 1000
    return out


def colour_pixels(png: Path, colour: str) -> int:
    """How many pixels of the screenshot have exactly this ``#rrggbb`` colour."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(png).convert("RGB"))
    target = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return int((rgb == target).all(axis=2).sum())


class Elements(HTMLParser):
    """Collects each element's tag, attributes and text (text of nested elements included)."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in {"meta", "img", "br", "link", "input", "hr"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag
                and all(re.search(v, e["attrs"].get(k) or "") for k, v in attrs.items())]


def external_references(html: str) -> list[str]:
    """Every src/href/url() in the page that would make a network request."""
    return re.findall(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:|//)[^"'\s>]*"""
                      r"""|url\(\s*["']?\s*(?:https?:|//)[^)]*\)|@import""", html, flags=re.I)
