"""Split a checked text into plain and marked pieces for the highlighted view."""

from __future__ import annotations

from typing import Any


def segments(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pieces of ``text`` in order; each marked piece lists the findings covering it.

    Overlapping findings split the text at every edge, so each character
    belongs to exactly one piece; a piece blocks when any of its findings does.
    """
    spans = [(i, f["start"], f["end"]) for i, f in enumerate(findings) if f["end"] > f["start"]]
    if not spans:
        return [{"text": text, "findings": [], "severity": ""}] if text else []
    cuts = sorted({0, len(text), *(s for _, s, _ in spans), *(e for _, _, e in spans)})
    pieces = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        if hi <= lo:
            continue
        covering = [i for i, s, e in spans if s <= lo and hi <= e]
        severity = ""
        if covering:
            severity = "block" if any(findings[i]["severity"] == "block" for i in covering) else "warn"
        if pieces and pieces[-1]["findings"] == covering:
            pieces[-1]["text"] += text[lo:hi]
        else:
            pieces.append({"text": text[lo:hi], "findings": covering, "severity": severity})
    return pieces
