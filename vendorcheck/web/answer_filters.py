"""The question filters of the long staff pages (the review page and the scorecard): only ✗ / △,
only 審査待ち, only questions with comments, only questions changed since the last version.

A filter is a query parameter (?show=…) read on the server, so it works with JavaScript off; the
pages offer it as links with counts (jump links to the filtered list) and as a small GET form."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

from vendorcheck.services import review as review_service

ANSWER_FILTERS = {
    "": "すべての質問",
    "short": "✗ / △（満点でない質問）",
    "pending": "審査待ちの質問",
    "commented": "コメントのある質問",
    "changed": "前の版から変わった質問",
}


@dataclass(frozen=True)
class FilterLink:
    value: str
    label: str
    count: int
    url: str
    current: bool


def chosen_filter() -> str:
    """The filter asked for in the query string; an unknown one shows every question."""
    show = request.args.get("show", "")
    return show if show in ANSWER_FILTERS else ""


def filtered_ids(show: str, card, comments, assessment, version, subs) -> set[str] | None:
    """The questions a filter keeps, or None to keep every question.

    card is the scorecard of the answers shown, comments the comments by question id, version the
    submitted version shown (None for the draft) and subs every submission of the assessment."""
    if show == "short":
        return {r.question_id for r in card.questions if r.final is not None and r.final < 1}
    if show == "pending":
        return set(review_service.pending_review(card))
    if show == "commented":
        return {qid for qid in comments if qid}
    if show == "changed":
        if version is None or version < 2 or version not in {s.version for s in subs}:
            return set()
        return {
            c.question_id for c in review_service.compare_versions(assessment, version - 1, version)
        }
    return None


def filter_links(
    show: str,
    applicable,
    kept_by_filter: dict[str, set[str] | None],
    endpoint: str,
    anchor: str,
    **args,
) -> list[FilterLink]:
    """One link per filter with the number of applicable questions it keeps."""
    links = []
    for value, label in ANSWER_FILTERS.items():
        kept = kept_by_filter[value]
        count = len(applicable) if kept is None else len(kept & set(applicable))
        url = url_for(endpoint, **args, show=value or None, _anchor=anchor)
        links.append(FilterLink(value, label, count, url, value == show))
    return links


def every_filter(card, comments, assessment, version, subs) -> dict[str, set[str] | None]:
    """What each filter keeps, for the counts beside the filter links."""
    return {
        value: filtered_ids(value, card, comments, assessment, version, subs)
        for value in ANSWER_FILTERS
    }
