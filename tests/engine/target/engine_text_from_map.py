#!/usr/bin/env python3
"""Sums the bytes each engine object contributes to the linked image (kept sections only)."""
import re
import sys

text = open(sys.argv[1]).read()
text = text[text.index("Linker script and memory map"):]
sizes = {}
for m in re.finditer(r"\n \.(text|rodata|data|bss)\S*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", text):
    name = m.group(4)
    if "libtinydigit_engine.a" in name:
        obj = name.split("(")[-1].rstrip(")")
        kind = "ram" if m.group(1) in ("data", "bss") else "flash"
        sizes[(obj, kind)] = sizes.get((obj, kind), 0) + int(m.group(3), 16)
flash = sum(v for (o, k), v in sizes.items() if k == "flash")
ram = sum(v for (o, k), v in sizes.items() if k == "ram")
for (obj, kind), v in sorted(sizes.items(), key=lambda x: -x[1]):
    print(f"  {v:6d}  {kind:5s} {obj}")
print(f"engine code in a minimal firmware: {flash} bytes flash (.text + .rodata), {ram} bytes RAM")
