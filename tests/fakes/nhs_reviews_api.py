"""A fake NHS website Ratings and Reviews API (``GET /comments/Comments``).

Reproduces what developer.api.nhs.uk documents: the ``subscription-key`` header, ``api-version``, and the
``odsCode``, ``orgType``, ``status``, ``offset``, ``limit`` and ``fromDate`` parameters. The response shape
(``{"comments": [{"comment": {...}, "response": null}]}``) follows public client code, and the gateway's error
answers follow Azure API Management (which api.nhs.uk runs on): 401 ``{"statusCode": 401, "message": ...}``
for a missing or wrong key, 429 with ``Retry-After``. Results come in no particular order (newest first here),
because the documentation promises none; ``fromDate`` is inclusive and an odsCode matches its sites too.
``status`` (``published``, the default, or ``removed``) chooses between reviews on the website and reviews
moderation took down later (``remove``).
"""

from __future__ import annotations

from datetime import date, datetime

from fakes.fake_http_server import FakeServer, HttpContractCase, Reply, Request

KEY = "nhs-test-key-456"
DENIED = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."


def review(comment_id: str, ods_code: str, title: str, text: str, submitted: datetime) -> dict:
    return {
        "comment": {
            "commentId": comment_id,
            "commentRef": comment_id,
            "odsCode": ods_code,
            "commentOriginalURL": f"https://www.nhs.uk/services/hospital/x/{ods_code}/ratings-and-reviews#{comment_id}",
            "title": title,
            "commentText": text,
            "dateSubmitted": submitted.strftime("%Y-%m-%dT%H:%M:%S"),  # no offset: UTC, as the API says
            "lastUpdated": submitted.strftime("%Y-%m-%dT%H:%M:%S"),
            "screenName": "Anonymous",
            "status": "published",
            "ratings": [{"question": "Overall rating", "rating": 5}],
            "visit": {"month": submitted.month, "year": submitted.year},
        },
        "response": None,
    }


class NhsReviewsServer(FakeServer):
    def __init__(self, key: str = KEY):
        super().__init__()
        self.key = key
        self.reviews: list[object] = []

    def handle(self, request: Request) -> Reply:
        if request.header("subscription-key") != self.key:
            return self._denied()
        if request.path != "/comments/Comments":
            return Reply.json(404, {"statusCode": 404, "message": "Resource not found"})
        if "odsCode" not in request.query and "orgType" not in request.query:
            return Reply.json(400, {"statusCode": 400, "message": "odsCode or orgType is required"})
        items = [r for r in self.reviews if _matches(r, request.query)]
        offset = int(request.query.get("offset", 0))
        limit = int(request.query.get("limit", 10))
        return Reply.json(200, {"comments": items[offset : offset + limit]})

    def failure_reply(self, mode: str, request: Request) -> Reply:
        if mode == "bad_auth":
            return self._denied()
        if mode == "rate_limit":
            wait = self._retry_after
            message = f"Rate limit is exceeded. Try again in {wait} seconds."
            return Reply.json(429, {"statusCode": 429, "message": message}, {"Retry-After": str(wait)})
        if mode == "server_error":
            return Reply.json(503, {"statusCode": 503, "message": "Service Unavailable"})
        return super().failure_reply(mode, request)

    def remove(self, *comment_ids: str) -> None:
        """Take reviews down, as moderation does after a report: they move from published to removed."""
        for item in self.reviews:
            comment = item.get("comment") if isinstance(item, dict) else None
            if isinstance(comment, dict) and comment.get("commentId") in comment_ids:
                comment["status"] = "removed"

    def _denied(self) -> Reply:
        return Reply.json(401, {"statusCode": 401, "message": DENIED})

    def add(self, *items: object) -> None:
        self.reviews.extend(items)
        dicts = sorted((r for r in self.reviews if _submitted(r)), key=_submitted, reverse=True)
        others = [r for r in self.reviews if not _submitted(r)]
        self.reviews = dicts[:1] + others + dicts[1:]


def _submitted(item: object) -> str:
    comment = item.get("comment") if isinstance(item, dict) else None
    value = comment.get("dateSubmitted") if isinstance(comment, dict) else None
    return value if isinstance(value, str) and value[:4].isdigit() else ""


def _matches(item: object, query: dict[str, str]) -> bool:
    comment = item.get("comment") if isinstance(item, dict) else None
    if not isinstance(comment, dict):
        return True
    if str(comment.get("status", "published")) != query.get("status", "published"):
        return False
    code = query.get("odsCode", "").upper()
    if code and not str(comment.get("odsCode", "")).upper().startswith(code):
        return False
    since = query.get("fromDate")
    submitted = _submitted(item)
    return not (since and submitted and submitted[:10] < date.fromisoformat(since).isoformat())


class NhsReviewsContractCase(HttpContractCase):
    kind = "nhs_reviews"

    def __init__(self):
        super().__init__(NhsReviewsServer())

    def source_config(self) -> dict:
        return {
            "kind": "nhs_reviews",
            "base_url": f"{self.server.base_url}/comments",
            "subscription_key_env": "NHS_CONTRACT_KEY",
            "organisations": ["RJ1"],
            "limit": 2,
            "max_wait": "60s",
        }

    def env(self) -> dict[str, str]:
        return {"NHS_CONTRACT_KEY": KEY}

    def seed(self, posts) -> None:
        self.server.add(*(review(f"n-{p.key}", "RJ121", p.key, p.text, p.created_at) for p in posts))

    def add_malformed(self) -> None:
        broken = review("n-broken", "RJ121", "Broken", "No usable date", datetime(2026, 1, 1))
        broken["comment"]["dateSubmitted"] = "last Tuesday"
        self.server.add(broken)


def contract_case() -> NhsReviewsContractCase:
    return NhsReviewsContractCase()
