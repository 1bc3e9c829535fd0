"""Screenshots of the portal's pages at phone and desktop width, in Chinese, with Debian's Chromium.

Usage (with a server running, e.g. `make run`):
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 --out /tmp/shots \
        / /palaces/ /palaces/1/ --login 13800000006:demo12345

Each path gives NAME-390.png and NAME-1280.png (full page) in --out. `--login PHONE:PASSWORD`
signs in first. Used to look at pages after a change and to refresh docs/screenshots/.
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


def _name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--login", help="PHONE:PASSWORD")
    parser.add_argument("--widths", default="390,1280")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for width in (int(w) for w in args.widths.split(",")):
            context = browser.new_context(
                viewport={"width": width, "height": 844 if width < 600 else 900},
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                device_scale_factor=1,
            )
            page = context.new_page()
            if args.login:
                phone, password = args.login.split(":", 1)
                page.goto(args.base + "/accounts/login/")
                page.fill("input[name=username]", phone)
                page.fill("input[name=password]", password)
                with page.expect_navigation():
                    page.press("input[name=password]", "Enter")
            for path in args.paths:
                page.goto(args.base + path)
                target = out / f"{_name(path)}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
