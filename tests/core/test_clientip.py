import pytest
from django.test import RequestFactory

from core.clientip import client_ip


def _request(forwarded=None, remote="10.0.0.1"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0

    assert client_ip(_request("203.0.113.9")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # What the client wrote itself stands to the left of what the router appended.
        ("198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (" 2001:db8::1 ", "2001:db8::1"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        # Anything but an address is not believed: the connection's peer is used.
        ("evil", "10.0.0.1"),
        ("203.0.113.9, ' OR 1=1 --", "10.0.0.1"),
        ("", "10.0.0.1"),
    ],
)
def test_behind_one_proxy_the_last_valid_entry_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = 1

    assert client_ip(_request(forwarded)) == expected


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_HOPS = 2

    assert client_ip(_request("198.51.100.1, 203.0.113.9, 192.0.2.10")) == "203.0.113.9"
    assert client_ip(_request("192.0.2.10")) == "10.0.0.1"


def test_a_missing_header_gives_the_connection_address(settings):
    settings.TRUSTED_PROXY_HOPS = 1

    assert client_ip(_request()) == "10.0.0.1"
