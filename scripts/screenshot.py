"""Screenshot pages of a running server with Debian's Chromium, to look at what we build.

Usage: .venv/bin/python scripts/screenshot.py [--login EMAIL] [--width 1280] URL_PATH... (PNG files go to var/shots/)
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--login")
    parser.add_argument("--password", default="demo-anef-2026")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--code", help="second-factor code, for staff accounts (manage.py demo_totp EMAIL)")
    args = parser.parse_args()
    out = Path("var/shots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": args.width, "height": 900}, locale=args.lang)
        page = context.new_page()
        if args.login:
            page.goto(args.base + "/compte/login/")
            page.fill("input[name=login]", args.login)
            page.fill("input[name=password]", args.password)
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
            if args.code:
                page.fill("input[name=code]", args.code)
                page.click("main form button[type=submit]")
                page.wait_for_load_state()
        for path in args.paths:
            page.goto(args.base + path)
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            target = out / f"{name}-{args.width}-{args.lang}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
