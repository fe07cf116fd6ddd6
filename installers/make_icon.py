"""Draws the MedAssist icon (a white cross on a teal rounded square) as PNG, ICO and ICNS with Pillow."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int = 512) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    r = size // 6
    d.rounded_rectangle([0, 0, size - 1, size - 1], radius=r, fill=(0, 121, 140, 255))
    w, l = size // 6, size * 3 // 5
    c = size // 2
    d.rectangle([c - w // 2, c - l // 2, c + w // 2, c + l // 2], fill="white")
    d.rectangle([c - l // 2, c - w // 2, c + l // 2, c + w // 2], fill="white")
    return img


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    img = draw()
    img.resize((256, 256), Image.LANCZOS).save(OUT / "medassist.png")
    img.save(OUT / "medassist.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    img.save(OUT / "medassist.icns")
    print("icons written to", OUT)
