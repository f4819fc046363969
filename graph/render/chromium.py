"""How r2pkg runs headless Chromium (browser tests, the render benchmark, screenshots).

Debian's chromium package, never a browser downloaded by a test tool; the flags
keep it from reaching any other host while it starts.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
