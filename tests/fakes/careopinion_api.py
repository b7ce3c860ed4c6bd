"""A fake Care Opinion API v2 (``/api/v2/opinions``), as its documentation describes it.

- ``Authorization: SUBSCRIPTION_KEY <key>``; any other key (or none) is answered with a 302 to the HTML login
  page (``/account/login?ReturnUrl=...``), never with a 401: the documented quirk.
- Opinions ordered by date of publication, oldest first; ``take`` (capped at 100) and ``skip``; an empty array
  past the end, the documented stop. ``publishedafter=YYYY-MM-DD`` keeps stories published after that day (the
  strict reading: the collector must cope with either reading), and the organisation filter (``nacs`` by
  default) keeps stories linked to that code or to one of its sites.
- What the documentation leaves open, switched on by tests: hidden stories (``"_hidden": True``) keep their
  place in the order but are left out of the page after ``take`` and ``skip`` are applied, so a page mid-results
  can be short; ``within_day = "newest"`` orders the stories of one day newest first (the order is by date of
  publication, and the filters take whole days); ``changes[n]`` runs after the n-th request is answered (a story
  published or withdrawn during a run); ``ignore_skip`` serves the first page for every ``skip``, a broken
  server that never sends the empty array. More than ``request_limit`` requests are refused with a 400, so a
  collector that never stops fails instead of hanging the test.
- Items shaped like ``../shared/data/api_payloads/careopinion_opinions_ILLUSTRATIVE.json`` (a reconstruction,
  not a recording), including the reported stray string ``"Sorry! Something went wrong."`` inside the array.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from fakes.fake_http_server import FakeServer, HttpContractCase, Reply, Request

KEY = "co-test-key-123"
LOGIN_HTML = b"<!DOCTYPE html><html><head><title>Sign in - Care Opinion</title></head><body><form></form></body></html>"


def opinion(
    opinion_id: int, title: str, body: str, published: datetime, service: str = "RJ121", unrated: tuple = ()
) -> dict:
    """A story rated for ``service`` (a ``ratings`` link names it) and about the ``unrated`` services too: the
    organisation filter finds it under those, but nothing in the story itself names them."""
    return {
        "_services": [service, *unrated],  # what the API knows (/opinions/{id}/healthservices); never served
        "id": opinion_id,
        "title": title,
        "body": body,
        "dateOfSubmission": (published - timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dateOfPublication": published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "criticality": "not critical",
        "progress": "The story has been read",
        "authorRole": "patient",
        "authorAgeGroup": "65-74",
        "submissionRoute": "website",
        "links": [
            {
                "relation": "healthservices",
                "link": f"/api/v2/opinions/{opinion_id}/healthservices",
                "id": str(opinion_id),
            },
            {
                "relation": "ratings",
                "link": f"/api/v2/opinions/{opinion_id}/healthservices/{service}/ratings",
                "id": service,
            },
        ],
    }


class CareOpinionServer(FakeServer):
    def __init__(self, key: str = KEY):
        super().__init__()
        self.key = key
        self.opinions: list[object] = []  # dicts, or the stray strings the live API sometimes returns
        self.within_day = "oldest"  # or "newest": the order of the stories published on one day
        self.changes: dict[int, Callable[[], None]] = {}  # run after the n-th request is answered
        self.ignore_skip = False
        self.request_limit = 200

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/account/login"):
            return Reply(200, LOGIN_HTML, {"Content-Type": "text/html; charset=utf-8"})
        if request.header("Authorization") != f"SUBSCRIPTION_KEY {self.key}":
            return self._login_redirect(request)
        if request.path != "/api/v2/opinions":
            return Reply.json(404, {"message": "No HTTP resource was found that matches the request URI."})
        if len(self.requests) > self.request_limit:
            return Reply.json(400, {"message": f"test fake: more than {self.request_limit} requests"})
        items = [o for o in self._ordered() if _matches(o, request.query)]
        skip = 0 if self.ignore_skip else int(request.query.get("skip", 0))
        take = min(int(request.query.get("take", 10)), 100)
        page = [
            _served(o) for o in items[skip : skip + take] if not (isinstance(o, dict) and o.get("_hidden"))
        ]
        reply = Reply.json(200, page)
        change = self.changes.pop(len(self.requests), None)
        if change is not None:
            change()
        return reply

    def failure_reply(self, mode: str, request: Request) -> Reply:
        if mode == "bad_auth":
            return self._login_redirect(request)
        if mode == "server_error":
            return Reply(
                500, b"<html><body>Sorry! Something went wrong.</body></html>", {"Content-Type": "text/html"}
            )
        return super().failure_reply(mode, request)

    def _login_redirect(self, request: Request) -> Reply:
        return Reply(302, b"", {"Location": f"{self.base_url}/account/login?ReturnUrl={request.path}"})

    def _ordered(self) -> list[object]:
        def published(item: dict) -> str:
            return str(item.get("dateOfPublication") or "")  # ISO 8601 in UTC: ordered as text

        by_time = sorted(
            (o for o in self.opinions if isinstance(o, dict)),
            key=published,
            reverse=self.within_day == "newest",
        )
        dicts = sorted(by_time, key=lambda item: published(item)[:10])  # stable: by day, then as by_time
        strays = [o for o in self.opinions if not isinstance(o, dict)]
        return dicts[: len(dicts) // 2] + strays + dicts[len(dicts) // 2 :]


def _served(item: object) -> object:
    return {k: v for k, v in item.items() if not k.startswith("_")} if isinstance(item, dict) else item


def _matches(item: object, query: dict[str, str]) -> bool:
    if not isinstance(item, dict):
        return True
    after = query.get("publishedafter")
    published = item.get("dateOfPublication")
    if after and isinstance(published, str) and published[:10] <= date.fromisoformat(after).isoformat():
        return False
    code = query.get("nacs")
    if code:
        services = item.get("_services") or [link.get("id", "") for link in item.get("links", ())]
        return any(str(c).upper().startswith(code.upper()) for c in services)
    return True


class CareOpinionContractCase(HttpContractCase):
    kind = "careopinion"

    def __init__(self):
        super().__init__(CareOpinionServer())
        self.next_id = 1000

    def source_config(self) -> dict:
        return {
            "kind": "careopinion",
            "base_url": f"{self.server.base_url}/api/v2",
            "subscription_key_env": "CO_CONTRACT_KEY",
            "take": 2,
            "max_wait": "60s",
        }

    def env(self) -> dict[str, str]:
        return {"CO_CONTRACT_KEY": KEY}

    def seed(self, posts) -> None:
        for post in posts:
            self.next_id += 1
            self.server.opinions.append(opinion(self.next_id, post.key, post.text, post.created_at))

    def add_malformed(self) -> None:
        self.server.opinions.append("Sorry! Something went wrong.")


def contract_case() -> CareOpinionContractCase:
    return CareOpinionContractCase()
