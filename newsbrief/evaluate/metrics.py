"""Scores shared by the evaluation scripts.

The extraction metric is the one the page-capture data set publishes its baselines with
(`data/page-captures/SOURCE.md`): bag-of-words token F1 over lowercased `\\w+` tokens, so that
our numbers sit beside theirs.
"""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lowercased `\\w+` tokens: the unit of the bag-of-words metrics."""
    return _TOKEN.findall(text.lower())


def token_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of `pred` against `gold`.

    Tokens are counted as a multiset, so a paragraph extracted twice costs precision. Two empty
    texts agree perfectly; an empty prediction against a non-empty gold scores zero.
    """
    pred_bag, gold_bag = Counter(tokens(pred)), Counter(tokens(gold))
    if not pred_bag and not gold_bag:
        return 1.0, 1.0, 1.0
    overlap = sum((pred_bag & gold_bag).values())
    if overlap == 0:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(pred_bag.values())
    recall = overlap / sum(gold_bag.values())
    return precision, recall, 2 * precision * recall / (precision + recall)
