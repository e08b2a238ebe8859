"""Rate limits behind a reverse proxy: whose address counts (BUURTBUDGET_TRUSTED_PROXIES)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from buurtbudget.core.client_ip import client_ip
from buurtbudget.rounds.models import Phase
from buurtbudget.voting import ratelimit as stemcode_limit
from buurtbudget.vouchers import ratelimit as voucher_limit
from tests.factories.money import issued_voucher
from tests.factories.rounds import RoundFactory, district

PROXY = "10.0.0.5"  # the reverse proxy: every request reaches the app from here
ALICE = "203.0.113.7"
BOB = "198.51.100.1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def request_from(remote_addr: str, forwarded_for: str | None = None) -> HttpRequest:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_never_read(settings) -> None:  # type: ignore[no-untyped-def]
    assert not hasattr(settings, "BUURTBUDGET_TRUSTED_PROXIES") or settings.BUURTBUDGET_TRUSTED_PROXIES == 0
    assert client_ip(request_from(PROXY, ALICE)) == PROXY
    settings.BUURTBUDGET_TRUSTED_PROXIES = 0
    assert client_ip(request_from(PROXY, f"{BOB}, {ALICE}")) == PROXY


def test_with_one_proxy_the_address_it_saw_counts_and_what_the_client_wrote_does_not(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_TRUSTED_PROXIES = 1
    assert client_ip(request_from(PROXY, ALICE)) == ALICE
    # Alice wrote "Bob" in the header herself; the proxy appended her real address.
    assert client_ip(request_from(PROXY, f"{BOB}, {ALICE}")) == ALICE
    assert client_ip(request_from(PROXY, f" {BOB} ,{ALICE} ")) == ALICE


def test_with_two_proxies_the_outermost_ones_view_counts(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_TRUSTED_PROXIES = 2
    # client -> load balancer (10.0.0.9) -> nginx (PROXY) -> app
    assert client_ip(request_from(PROXY, f"{BOB}, {ALICE}, 10.0.0.9")) == ALICE


@pytest.mark.parametrize("header", [None, "", "  ", ALICE])
def test_a_missing_or_short_header_falls_back_to_the_connection(settings, header) -> None:  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_TRUSTED_PROXIES = 2
    assert client_ip(request_from(PROXY, header)) == PROXY


# The public voucher check (30 lookups per 10 minutes) --------------------------------------------------------


@pytest.fixture
def verify_url(db) -> str:  # type: ignore[no-untyped-def]
    voucher = issued_voucher(amount_cents=50_000)
    return reverse("vouchers:verify", kwargs={"code": voucher.display_code})


def use_up_voucher_checks(client: Client, url: str, **headers: str) -> None:
    for _ in range(voucher_limit.LIMIT):
        assert client.get(url, **headers).status_code == 200
    assert client.get(url, **headers).status_code == 429


def test_by_default_a_spoofed_header_does_not_escape_the_voucher_limit(client, verify_url) -> None:  # type: ignore[no-untyped-def]
    use_up_voucher_checks(client, verify_url, REMOTE_ADDR=ALICE)
    spoofed = client.get(verify_url, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB)
    assert spoofed.status_code == 429


def test_by_default_clients_behind_one_proxy_share_the_voucher_limit(client, verify_url) -> None:  # type: ignore[no-untyped-def]
    use_up_voucher_checks(client, verify_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    assert client.get(verify_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB).status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_voucher_limit(client, verify_url, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_TRUSTED_PROXIES = 1
    use_up_voucher_checks(client, verify_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    assert client.get(verify_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB).status_code == 200
    # Alice cannot get out by writing Bob's address in front of hers: the proxy appends her own.
    spoofed = client.get(verify_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BOB}, {ALICE}")
    assert spoofed.status_code == 429
    # A request without the header (it did not pass the proxy's forwarding) counts on the connection address.
    assert client.get(verify_url, REMOTE_ADDR=PROXY).status_code == 200


# Wrong stemcodes (10 per 10 minutes) -------------------------------------------------------------------------

TOO_MANY = "Er zijn te veel verkeerde stemcodes getypt."
WRONG = "2222-2222-2222-2"


@pytest.fixture
def start_url(db) -> str:  # type: ignore[no-untyped-def]
    noord = district()
    RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.VOTING, slug="noord")
    return reverse("core:voting_start", kwargs={"gemeente": "amsterdam", "slug": "noord"})


def type_wrong_codes(url: str, **headers: str) -> None:
    for _ in range(stemcode_limit.LIMIT):
        page = Client(**headers).post(url, {"code": WRONG})
        assert page.status_code == 400 and TOO_MANY not in page.content.decode()


def test_by_default_voters_behind_one_proxy_share_the_stemcode_limit(start_url) -> None:  # type: ignore[no-untyped-def]
    type_wrong_codes(start_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    page = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB).post(start_url, {"code": WRONG})
    assert TOO_MANY in page.content.decode()


def test_behind_a_trusted_proxy_each_voter_has_their_own_stemcode_limit(start_url, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_TRUSTED_PROXIES = 1
    type_wrong_codes(start_url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    alice = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BOB}, {ALICE}")
    assert TOO_MANY in alice.post(start_url, {"code": WRONG}).content.decode()
    bob = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB).post(start_url, {"code": WRONG})
    assert bob.status_code == 400 and TOO_MANY not in bob.content.decode()
