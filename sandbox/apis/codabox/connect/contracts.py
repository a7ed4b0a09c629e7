"""Checks of a vendor's CodaBox Connect client: document searches chain their windows and follow
their pages to the end. The token checks are the engine's (`token_reused_until_expiry` reads the
product's `oauth2/token`); idempotency keys and retries are the Ibanity layer's.

A search answer is read from the head the journal keeps: its attributes and paging come before the
(long) list of documents. A request is a next page when it sends `meta.paging.after`; when the
journal kept only the head of a long request, a search of the same `from` as the one before is
taken for a next page.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sandbox.contracts.exchanges import Entry
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged

API = "codabox-connect"
SEARCH = "createDocumentSearch"
OFFICE = re.compile(r"accounting-offices/([^/]+)/document-searches")


def _member(text: str, name: str) -> str | None:
    found = re.search(rf'"{name}"\s*:\s*"([^"]*)"', text)
    return found[1] if found else None


@dataclass(frozen=True)
class Search:
    entry: Entry
    office: str
    document_type: str
    start: datetime
    end: datetime
    more: bool  # the answer names a cursor: more documents follow
    page: bool | None  # the request sent a cursor (None: the journal did not keep that part)

    @property
    def subject(self) -> tuple[str, str]:
        return self.office, self.document_type


def _sent_cursor(entry: Entry) -> bool | None:
    text = entry.request_body if isinstance(entry.request_body, str) else ""
    if _member(text, "after") is not None:
        return True
    return None if text.endswith("...") else False


def searches(ctx: Context) -> list[Search]:
    found = []
    for entry in ctx.of_api(API):
        if entry.operation_id != SEARCH or entry.status != 201 or not isinstance(entry.response_body, str):
            continue
        text, office = entry.response_body, OFFICE.search(entry.path)
        kind, start, end = (_member(text, name) for name in ("documentType", "from", "to"))
        if office and kind and start and end:
            more = _member(text, "after") is not None
            parsed = datetime.fromisoformat(start), datetime.fromisoformat(end)
            found.append(Search(entry, office[1], kind, *parsed, more, _sent_cursor(entry)))
    return found


def search_chains(ctx: Context) -> list[list[Search]]:
    """Each search's pages, in order: a first page, then the next pages of that office and type."""
    chains: list[list[Search]] = []
    latest: dict[tuple[str, str], list[Search]] = {}
    for search in searches(ctx):
        chain = latest.get(search.subject)
        following = search.page or (
            search.page is None and chain is not None and chain[-1].start == search.start
        )
        if chain is not None and following:
            chain.append(search)
        else:
            latest[search.subject] = [search]
            chains.append(latest[search.subject])
    return chains


@check
def connect_search_windows_chained(ctx: Context) -> Judgement:
    """Document searches chain their windows: each new search of an office's documents of a type
    starts (`from`) where the previous one ended (`to`), instead of searching the last two years
    again (what leaving `from` out does).

    Source: apis/codabox.md §B (`from` omitted: up to two years back; advice: next `from` = previous
    `to`); ibanity/ibanity-dotnet, DocumentSearch.From.
    """
    chains = search_chains(ctx)
    by_subject: dict[tuple[str, str], list[list[Search]]] = defaultdict(list)
    for chain in chains:
        by_subject[chain[0].subject].append(chain)
    overlapping = [
        (earlier[-1], later[0])
        for subject_chains in by_subject.values()
        for earlier, later in itertools.pairwise(subject_chains)
        if later[0].start < earlier[-1].end
    ]
    findings = [
        Finding(
            f"#{later.entry.seq} searched {later.document_type} of office {later.office} from "
            f"{later.start:%Y-%m-%d %H:%M:%S}, before the end of the window searched at #{earlier.entry.seq} "
            f"({earlier.end:%Y-%m-%d %H:%M:%S}): send the previous search's `to` as the next `from`, so "
            "each document is found once",
            [earlier.entry.exchange, later.entry.exchange],
        )
        for earlier, later in overlapping
    ]
    return judged(len(chains), "document searches", findings)


@check
def connect_search_pages_followed(ctx: Context) -> Judgement:
    """A document search is followed to its last page: while an answer names
    `meta.paging.after`, more documents follow, and the client asks for them (the same window with
    that cursor) before it moves on.

    Source: apis/codabox.md §B (cursor paging: `limit` 1-1000, `after`); ibanity/ibanity-dotnet,
    DocumentSearches.Create(pageLimit, pageAfter).
    """
    chains = search_chains(ctx)
    findings = [
        Finding(
            f"the search of {found[-1].document_type} of office {found[-1].office} answered at "
            f"#{found[-1].entry.seq} named a next page (meta.paging.after) that was never asked for: send "
            "the same search with meta.paging.after until an answer has none",
            [found[-1].entry.exchange],
        )
        for found in chains
        if found[-1].more
    ]
    return judged(len(chains), "document searches", findings)
