"""Draw the demo's pictures: simple illustrations, one per kind of place, made here with Pillow.

    .venv/bin/python scripts/demo_pictures.py      # writes venues/demo/picture_files/*.jpg

Deterministic (no randomness but a seeded one, fixed sizes), nothing copied or fetched: the files
are committed, and `seed_demo` stores each once and points palaces, venues, courses and events at
them (venues/demo/pictures.py).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

W, H = 960, 540
OUT = Path(__file__).resolve().parent.parent / "venues" / "demo" / "picture_files"


def _sky(draw: ImageDraw.ImageDraw, top, bottom, until: int = H) -> None:
    for y in range(until):
        t = y / max(until - 1, 1)
        draw.line(
            [(0, y), (W, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )


def palace(draw: ImageDraw.ImageDraw) -> None:
    _sky(draw, (120, 170, 220), (210, 230, 245), 400)
    draw.rectangle([0, 400, W, H], fill=(190, 185, 175))
    draw.rectangle([170, 150, 790, 420], fill=(225, 215, 195), outline=(150, 130, 110), width=3)
    draw.polygon([(150, 155), (480, 70), (810, 155)], fill=(170, 40, 35))
    draw.rectangle([380, 170, 580, 205], fill=(200, 40, 35))
    for i in range(7):
        x = 200 + i * 85
        draw.rectangle([x, 220, x + 18, 420], fill=(240, 235, 225), outline=(170, 160, 150))
    for row in range(2):
        for i in range(6):
            x = 232 + i * 85
            draw.rectangle([x, 240 + row * 80, x + 40, 290 + row * 80], fill=(110, 150, 185))
    draw.rectangle([430, 330, 530, 420], fill=(90, 60, 40))
    for step in range(4):
        draw.rectangle(
            [360 - step * 20, 420 + step * 10, 600 + step * 20, 430 + step * 10], fill=(205, 200, 190)
        )
    draw.ellipse([455, 95, 505, 145], fill=(250, 210, 60), outline=(200, 150, 30), width=3)


def court(draw: ImageDraw.ImageDraw) -> None:
    _sky(draw, (235, 230, 220), (205, 200, 190), 160)
    draw.rectangle([0, 160, W, H], fill=(200, 120, 60))
    draw.polygon([(140, 200), (820, 200), (940, 520), (20, 520)], outline=(255, 255, 255), width=5)
    draw.line([(480, 200), (480, 520)], fill=(255, 255, 255), width=5)
    draw.ellipse([400, 320, 560, 400], outline=(255, 255, 255), width=5)
    for x in (120, 840):
        draw.rectangle([x - 4, 60, x + 4, 230], fill=(60, 60, 70))
        draw.rectangle([x - 50, 50, x + 50, 110], fill=(250, 250, 250), outline=(60, 60, 70), width=3)
        draw.ellipse([x - 22, 105, x + 22, 120], outline=(230, 80, 30), width=4)
    draw.ellipse([600, 380, 650, 430], fill=(230, 110, 30), outline=(90, 40, 20), width=2)


def pool(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, W, 170], fill=(225, 232, 238))
    for i in range(10):
        draw.rectangle([20 + i * 95, 30, 90 + i * 95, 130], fill=(180, 215, 240))
    draw.rectangle([0, 170, W, H], fill=(40, 150, 210))
    for i in range(1, 6):
        y = 170 + i * 62
        for x in range(0, W, 30):
            draw.ellipse([x, y - 4, x + 14, y + 4], fill=(240, 80, 60) if (x // 30) % 2 else (250, 250, 250))
    rng = random.Random(7)  # noqa: S311 - a drawing, not a secret
    for _ in range(40):
        x, y = rng.randrange(0, W), rng.randrange(180, H)
        draw.arc([x, y, x + 40, y + 10], 0, 180, fill=(150, 210, 240), width=2)


def gym(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, W, 330], fill=(235, 235, 238))
    draw.rectangle([0, 330, W, H], fill=(70, 75, 85))
    draw.rectangle([60, 60, 900, 250], fill=(205, 220, 230), outline=(160, 170, 180), width=3)
    for x in (120, 380, 640):
        draw.rectangle([x, 360, x + 200, 400], fill=(30, 30, 35))
        draw.rectangle([x + 150, 300, x + 170, 400], fill=(30, 30, 35))
        draw.rectangle([x + 130, 290, x + 200, 305], fill=(200, 40, 35))
    draw.line([(100, 470), (300, 470)], fill=(200, 200, 205), width=8)
    for x in (90, 300):
        draw.rectangle([x - 10, 440, x + 10, 500], fill=(200, 40, 35))
    draw.rectangle([560, 440, 860, 470], fill=(40, 120, 90))


def classroom(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, W, H], fill=(245, 238, 220))
    draw.rectangle([140, 50, 820, 230], fill=(40, 85, 65), outline=(140, 100, 60), width=10)
    for i, width in enumerate((420, 300, 360)):
        draw.line([(190, 95 + i * 40), (190 + width, 95 + i * 40)], fill=(235, 240, 235), width=4)
    for row in range(3):
        for col in range(5):
            x, y = 90 + col * 165, 290 + row * 80
            draw.rectangle([x, y, x + 130, y + 22], fill=(180, 130, 80))
            draw.ellipse([x + 45, y - 40, x + 85, y], fill=(60, 50, 45))
            draw.rectangle(
                [x + 40, y - 5, x + 90, y + 10], fill=[(70, 120, 180), (200, 60, 60), (90, 160, 90)][col % 3]
            )


def theatre(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, W, H], fill=(45, 25, 35))
    draw.rectangle([120, 60, 840, 330], fill=(240, 210, 140))
    draw.polygon([(120, 40), (320, 40), (260, 340), (120, 340)], fill=(170, 25, 35))
    draw.polygon([(840, 40), (640, 40), (700, 340), (840, 340)], fill=(170, 25, 35))
    draw.rectangle([100, 30, 860, 70], fill=(150, 20, 30))
    draw.rectangle([80, 330, 880, 360], fill=(110, 70, 40))
    draw.ellipse([430, 150, 530, 250], fill=(210, 60, 60))
    draw.rectangle([465, 240, 495, 320], fill=(210, 60, 60))
    for row in range(3):
        for col in range(14):
            x, y = 20 + col * 68, 390 + row * 50
            draw.ellipse([x, y, x + 44, y + 44], fill=(20, 15, 20))


def library(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, W, H], fill=(238, 232, 220))
    colours = [(190, 60, 50), (60, 110, 170), (220, 170, 60), (70, 140, 90), (120, 80, 150), (230, 230, 225)]
    rng = random.Random(11)  # noqa: S311 - a drawing, not a secret
    for shelf in range(4):
        y = 40 + shelf * 110
        draw.rectangle([40, y + 90, 920, y + 100], fill=(130, 90, 55))
        x = 50
        while x < 900:
            width = rng.randrange(14, 30)
            height = rng.randrange(60, 88)
            draw.rectangle([x, y + 90 - height, x + width, y + 90], fill=rng.choice(colours))
            x += width + 2
    draw.rectangle([300, 470, 660, 500], fill=(150, 105, 65))


def service(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle([0, 0, W, H], fill=(236, 240, 244))
    draw.rectangle([0, 380, W, H], fill=(205, 205, 210))
    for i in range(3):
        x = 70 + i * 300
        draw.rectangle([x, 100, x + 240, 380], fill=(250, 250, 252), outline=(180, 185, 195), width=3)
        draw.rectangle([x, 100, x + 240, 150], fill=(200, 40, 35))
        draw.rectangle([x + 20, 250, x + 220, 280], fill=(170, 125, 80))
        draw.ellipse([x + 95, 175, x + 145, 225], fill=(60, 50, 45))
        draw.rectangle([x + 85, 220, x + 155, 255], fill=(60, 110, 170))


PICTURES = {
    "palace": palace,
    "court": court,
    "pool": pool,
    "gym": gym,
    "classroom": classroom,
    "theatre": theatre,
    "library": library,
    "service": service,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw_picture in PICTURES.items():
        image = Image.new("RGB", (W, H))
        draw_picture(ImageDraw.Draw(image))
        path = OUT / f"{name}.jpg"
        image.save(path, "JPEG", quality=80, optimize=True)
        print(f"{path.relative_to(OUT.parent.parent.parent)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
