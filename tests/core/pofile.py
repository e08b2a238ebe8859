"""A small reader for gettext .po files: enough to check that a catalogue is complete."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """Every entry except the header and obsolete (#~) ones."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, last = Entry(), ""
        for line in (line.strip() for line in block.splitlines()):
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                _append(entry, last, ast.literal_eval(line))
            else:
                keyword, _, value = line.partition(" ")
                last = keyword
                if keyword.startswith("msgstr"):
                    entry.msgstr.append("")
                else:
                    setattr(entry, keyword, "")
                _append(entry, keyword, ast.literal_eval(value))
        if entry.msgid or entry.msgid_plural:
            entries.append(entry)
    return entries


def _append(entry: Entry, keyword: str, text: str) -> None:
    if keyword.startswith("msgstr"):
        entry.msgstr[-1] += text
    else:
        setattr(entry, keyword, getattr(entry, keyword) + text)
