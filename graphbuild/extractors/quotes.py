"""Quotes for many mentions of one block: the block's sentences are found once, then each quote is
found by bisection (``text.quote_at`` scans the block per call, quadratic for a block with thousands
of names). Same output as ``text.quote_at``."""
from __future__ import annotations

from bisect import bisect_right

from ..models import Quote
from ..text import CONTEXT, MAX_EXACT, sentence_spans


class Quoter:
    """``Quoter(text)(start, end)`` == ``quote_at(text, start, end)``, in logarithmic time per call."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text) or [(0, len(text))]
        self.starts = [s for s, _ in self.spans]

    def __call__(self, start: int, end: int) -> Quote:
        text = self.text
        i = max(0, bisect_right(self.starts, start) - 1)
        s, e = self.spans[i]
        j = i
        while j + 1 < len(self.spans) and e - (text[e - 1:e] in "\"”’)") < end:  # across a sentence end
            j += 1
            e = self.spans[j][1]
        if e - s > MAX_EXACT:
            s = max(s, start - MAX_EXACT // 2)
            e = min(e, max(end, s + MAX_EXACT))
        return Quote(text[s:e].strip(), text[max(0, s - CONTEXT):s].lstrip(), text[e:e + CONTEXT].rstrip())
