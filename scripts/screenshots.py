"""Screenshots of a built site as a room would see it: 1920x1080 (or --size), headless Chromium, offline.

Every view's first frame, every step of every tour (presenting), the reading view and the
index, one PNG each, named after the page (tours: NAME-stepN.png). Look at them before you
say a map reads well from the back of a room.

With --exports NAME (repeatable): that page's SVG (NAME.svg) and its printed PDF (NAME.pdf, A4
landscape, as Print / PDF gives it) with each page as an image (NAME-print-N.png, needs pdftoppm).

A projector of another resolution: --size 1280x720 (the window the page gets, as a browser in
full screen on that projector gives it).

Usage: python scripts/screenshots.py SITE_DIR OUT_DIR [NAME_PART ...] [--exports overview ...] [--size WxH]
  (build the site first: r2pkg build -o SITE_DIR)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from graph.render.chromium import CHROMIUM, CHROMIUM_ARGS

STATIC = {"index.html", "ontology.html", "handout.html"}  # no map on these pages: no ready flag to wait for


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("only", nargs="*", help="only pages whose file name contains one of these")
    ap.add_argument("--exports", action="append", default=[], metavar="NAME",
                    help="also write this page's SVG and printed PDF (and the PDF's pages as PNG)")
    ap.add_argument("--size", default="1920x1080", type=_size, help="the window, WIDTHxHEIGHT (default 1920x1080)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    pages = [f for f in sorted(args.site.glob("*.html")) if not args.only or any(o in f.name for o in args.only)]
    if not pages:
        print(f"{args.site}: no pages to shoot (build the site first: r2pkg build -o {args.site})", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    shots = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for f in pages:
            ctx = browser.new_context(viewport={"width": args.size[0], "height": args.size[1]})
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page = ctx.new_page()
            page.goto(f.resolve().as_uri())
            if f.name not in STATIC:
                page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30000)
            steps = page.evaluate("window.r2pMap ? r2pMap.stepCount : 0") if f.name.startswith("tour-") else 0
            for i in range(steps):
                page.evaluate("i => r2pMap.present.go(i)", i)
                page.wait_for_timeout(150)
                page.screenshot(path=str(args.out / f"{f.stem}-step{i + 1}.png"))
                shots += 1
            if not steps:
                page.wait_for_timeout(200)
                page.screenshot(path=str(args.out / f"{f.stem}.png"))
                shots += 1
            if f.stem in args.exports:
                (args.out / f"{f.stem}.svg").write_text(page.evaluate("r2pMap.exportSVG()"), encoding="utf-8")
                pdf = args.out / f"{f.stem}.pdf"
                pdf.write_bytes(page.pdf(format="A4", landscape=True, print_background=True))
                if shutil.which("pdftoppm"):
                    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(args.out / f"{f.stem}-print")],
                                   check=True)
            ctx.close()
        browser.close()
    print(f"{shots} screenshots of {len(pages)} pages in {args.out}")
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give WIDTHxHEIGHT, such as 1280x720") from None
    if width < 320 or height < 240:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 320x240")
    return width, height


if __name__ == "__main__":
    sys.exit(main())
