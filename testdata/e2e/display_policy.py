"""pullcheck's display policy and CI paths, as the independent checkers expect them."""

from __future__ import annotations


def display(text: str) -> str:
    """pullcheck's display policy (DisplayText.swift): C0, DEL, C1, U+2028/2029 and the bidirectional
    embeddings, overrides and isolates are shown escaped."""
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, "\\u{%x}" % code))
        else:
            out.append(char)
    return "".join(out)


def attached(file: str) -> str:
    """The path CI tools attach a finding to (GitHub drops an annotation whose path starts with
    `./`), and pullcheck's JUnit carries: without `./`, `.` segments or doubled slashes."""
    parts = [part for part in file.split("/") if part not in ("", ".")]
    return display(("/" if file.startswith("/") else "") + "/".join(parts) if parts else file)
