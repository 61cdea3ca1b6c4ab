"""The title proposed for an announced meeting: "SCO summit in Tianjin", "Modi–Putin talks".

Admins edit it before adding; it only has to say at a glance which meeting it is. The
kind of meeting comes from the headline's meeting words when it has any (a lead often
mentions another meeting: "...ahead of the annual summit"), summit before visit before
talks; the place is the watched place nearest to that word ("Putin to visit New Delhi,
Kremlin says in Moscow"; Hindi and Marathi put the place before it: "नई दिल्ली का दौरा").
"""

from __future__ import annotations

from calendars.news.announcements import MEETING_KINDS, Hit, WatchName

__all__ = ["propose_title"]


def propose_title(hits: list[Hit], headline: list[Hit]) -> str:
    """A title from the names and meeting words of the text (``hits``) and its headline."""
    kind = _kind(headline) or _kind(hits) or "talks"
    anchor = next((h.position for h in hits if h.term == ("meeting", kind)), 0)
    people = _names(hits, "person")
    orgs = _names(hits, "organisation")
    places = [h for h in hits if isinstance(h.term, WatchName) and h.term.kind == "place"]
    place = min(places, key=lambda h: abs(h.position - anchor)).term if places else None
    where = f" in {place.name}" if isinstance(place, WatchName) else ""
    pair = "–".join(people[:2])
    if kind == "summit" and orgs:
        return f"{orgs[0]} summit{where}"
    if kind == "summit" and len(people) > 1:
        return f"{pair} summit{where}"
    if kind in ("summit", "visit") and people and _kind(hits, "visit"):
        return f"{people[0]} visit to {where[4:]}" if where else f"{people[0]} visit"
    if kind == "summit":
        return f"Summit{where}"
    if kind == "visit" and where:
        return f"Visit to {where[4:]}"
    if people:
        return f"{pair} talks{where}"
    if orgs:
        return f"{orgs[0]} meeting{where}"
    return f"Meeting{where}"


def _kind(hits: list[Hit], wanted: str | None = None) -> str | None:
    """The weightiest meeting kind among ``hits`` (or ``wanted`` if it is there)."""
    kinds = {h.term[1] for h in hits if isinstance(h.term, tuple) and h.term[0] == "meeting"}
    if wanted is not None:
        return wanted if wanted in kinds else None
    return next((kind for kind in MEETING_KINDS if kind in kinds), None)


def _names(hits: list[Hit], kind: str) -> list[str]:
    return list(
        dict.fromkeys(
            h.term.name for h in hits if isinstance(h.term, WatchName) and h.term.kind == kind
        )
    )
