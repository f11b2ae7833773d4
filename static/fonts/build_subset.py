"""Rebuild the app's Korean webfont: Noto Sans KR, Regular and Bold, subset to WOFF2.

Korean text is drawn with this font on every machine, also those without a Korean
font of their own, where Hangul would otherwise be a row of empty boxes. The font
covers the 2,350 Hangul syllables of KS X 1001 (what Korean text uses almost
always: user data set and class names included), every character of the UI's
strings, ASCII, Latin-1, general punctuation, Hangul compatibility jamo and CJK
punctuation — about 150 KB per weight, against 62 KB for the UI's own 450 syllables,
which would leave a Korean class name in an uploaded data set as boxes.

The source is Google Fonts' variable ``NotoSansKR[wght].ttf`` (SIL OFL 1.1), as
the PyPI package ``justmytype-intl-cjk`` carries it. Build-time tools only::

    pip install fonttools brotli justmytype-intl-cjk
    python static/fonts/build_subset.py            # or --source path/to/NotoSansKR[wght].ttf
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FAMILY = "Noto Sans KR"
WEIGHTS = {400: "NotoSansKR-Regular.woff2", 700: "NotoSansKR-Bold.woff2"}
BLOCKS = ((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x206F), (0x2190, 0x2199), (0x2200, 0x22FF),
          (0x3000, 0x303F), (0x3131, 0x318E))
"""ASCII, Latin-1, general punctuation, arrows, maths, CJK punctuation, compatibility jamo."""


def ks_x_1001_syllables() -> list[str]:
    """The 2,350 Hangul syllables of KS X 1001 (EUC-KR rows 0xB0-0xC8)."""
    return [bytes([row, col]).decode("euc_kr") for row in range(0xB0, 0xC9)
            for col in range(0xA1, 0xFF)]


def ui_text() -> str:
    """Every string the UI shows that this repository fixes: the UI table (the built-in data
    sets' titles among them), the language names, and the data sets' class names."""
    sys.path.insert(0, str(REPO))
    from ae_core.data.builtin import DATASETS
    from app_lib.i18n import LANGUAGES, STRINGS

    parts = [text for entry in STRINGS.values() for text in entry.values()]
    parts += list(LANGUAGES.values())
    for spec in DATASETS.values():
        parts += [spec.title, *spec.class_names, *spec.class_names_ko]
    return "".join(parts)


def codepoints() -> set[int]:
    """What the subset keeps (characters the source lacks, such as emoji, drop out)."""
    keep = {cp for lo, hi in BLOCKS for cp in range(lo, hi + 1)}
    keep |= {ord(c) for c in ks_x_1001_syllables()}
    keep |= {ord(c) for c in ui_text() if ord(c) >= 0x20}
    return keep


def default_source() -> Path:
    import justmytype_intl_cjk

    return Path(justmytype_intl_cjk.__file__).parent / "fonts/ofl/notosanskr/NotoSansKR[wght].ttf"


def build(source: Path, out: Path = HERE) -> dict[str, int]:
    """Instance ``source`` at each weight, subset it and write WOFF2; returns sizes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    sizes = {}
    for weight, name in WEIGHTS.items():
        font = instancer.instantiateVariableFont(TTFont(source), {"wght": weight})
        options = subset.Options()
        options.flavor = "woff2"
        options.drop_tables += ["vhea", "vmtx", "BASE", "STAT"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints())
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(out / name)
        sizes[name] = (out / name).stat().st_size
    licence = source.parent / "OFL.txt"
    if licence.is_file():
        shutil.copyfile(licence, out / "OFL.txt")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="NotoSansKR[wght].ttf (default: from "
                        "the installed justmytype-intl-cjk package)")
    args = parser.parse_args()
    for name, size in build(args.source or default_source()).items():
        print(f"{name}: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
