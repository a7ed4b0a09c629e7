"""Content negotiation: pick the media type a response takes from the request's Accept header."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=512)
def _parse_accept(header: str) -> tuple[tuple[str, float], ...]:
    ranges = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # ties keep the client's order
        ranges.append((media, quality, -index))
    ranges.sort(key=lambda r: (r[1], r[2]), reverse=True)
    return tuple((media, quality) for media, quality, _ in ranges)


def _matches(media_range: str, media_type: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    main, _, sub = media_range.partition("/")
    if sub == "*":
        return media_type.split("/", 1)[0] == main
    return media_range == media_type


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers most, the first offered without Accept,
    or None when the client accepts none of them."""
    if not offered:
        return None
    if not accept or not accept.strip():
        return offered[0]
    lowered = {m.lower(): m for m in offered}
    for media_range, quality in _parse_accept(accept):
        if quality <= 0:
            continue
        for candidate_lower, candidate in lowered.items():
            if _matches(media_range, candidate_lower):
                return candidate
    return None
