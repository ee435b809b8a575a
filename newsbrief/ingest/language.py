"""Which language an article is in, so non-English input gets a plain answer."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Enough text for a confident guess; more only costs time.
_SAMPLE_CHARS = 3000
# Below this probability the guess is not trusted and the article is taken as English:
# short or mixed texts (names, numbers) often get low-confidence guesses.
_MIN_PROBABILITY = 0.9

NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "zh": "Chinese", "ja": "Japanese",
    "ar": "Arabic", "pl": "Polish", "tr": "Turkish", "sv": "Swedish", "ko": "Korean",
    "hi": "Hindi", "ur": "Urdu", "fa": "Persian", "uk": "Ukrainian", "el": "Greek",
}


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when the guess is not confident."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.split()) < 5:
        return None
    lang, probability = _identifier().classify(sample)
    return str(lang) if probability >= _MIN_PROBABILITY else None


def language_name(code: str) -> str:
    return NAMES.get(code, code)
