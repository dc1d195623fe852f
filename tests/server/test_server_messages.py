"""The server client's checks at the call and what each message becomes at the receiver (real HTTP)."""

import datetime

import pytest

from server_helpers import ACME, SERVICE_ID, activities, make_client, wait_records
from totango_py.server import Client, ClientClosedError, MessageError, MissingFieldError, UnsupportedMessageError
from totango_py.settings import SettingsError


@pytest.mark.parametrize("call, field", [
    (lambda c: c.identify("u1", {"name": "Ann"}), "context.groupId"),
    (lambda c: c.page("u1", "Billing", "Invoices", context={"page": {}}), "context.groupId"),
    (lambda c: c.track("u1", "Paid", {"category": "Billing"}), "context.groupId"),
    (lambda c: c.send({"type": "screen", "userId": "u1", "name": "Home"}), "context.groupId"),
    (lambda c: c.track(None, "Paid", context=ACME), "userId"),
    (lambda c: c.track("u1", "", context=ACME), "event"),
    (lambda c: c.group("u1", None, {"name": "Acme"}), "groupId"),
    (lambda c: c.send({"userId": "u1", "event": "Paid"}), "type"),
])
def test_missing_field_raises_at_the_call_and_nothing_is_sent(receiver, call, field):
    client = make_client(receiver)
    with pytest.raises(MissingFieldError) as raised:
        call(client)
    assert raised.value.field == field
    assert field in str(raised.value)
    assert isinstance(raised.value, ValueError)
    client.track("u1", "After", context=ACME)
    client.flush(10)
    assert activities(receiver.received()) == [("After", None, "acme", "u1")]
    client.shutdown()


def test_group_id_message_says_how_to_fix_it(receiver):
    client = make_client(receiver)
    with pytest.raises(MissingFieldError, match=r"track message: context.groupId is required.*context=\{'groupId'"):
        client.track("u1", "Paid")
    client.shutdown()


@pytest.mark.parametrize("message, error", [
    ("not a dict", "must be an object"),
    ({"type": "track", "userId": "u1", "event": "E", "context": ACME, "properties": ["x"]}, "properties must be"),
    ({"type": "identify", "userId": True, "context": ACME}, "userId"),
    ({"type": "track", "userId": "u1", "event": {"x": 1}, "context": ACME}, "event must be a string"),
    ({"type": "track", "userId": "u1", "event": "E", "context": "acme"}, "context must be an object"),
    ({"type": "launch", "userId": "u1"}, "unknown type"),
])
def test_malformed_messages_raise_message_error(receiver, message, error):
    client = make_client(receiver)
    with pytest.raises(MessageError, match=error):
        client.send(message)
    client.shutdown()


def test_alias_has_no_totango_counterpart(receiver):
    client = make_client(receiver)
    with pytest.raises(UnsupportedMessageError, match="alias"):
        client.send({"type": "alias", "userId": "u1", "previousId": "a1"})
    client.shutdown()


def test_batch_is_all_or_nothing(receiver):
    client = make_client(receiver, workers=1)
    good = {"type": "track", "userId": "u1", "event": "Paid", "context": ACME}
    with pytest.raises(MissingFieldError, match="message 2: track message: context.groupId") as raised:
        client.send_batch([good, good, {"type": "track", "userId": "u1", "event": "Lost"}])
    assert raised.value.index == 2
    client.flush(10)
    assert receiver.received() == []
    assert client.send_batch({"batch": [good, dict(good, event="Refunded")]}) == 2
    client.flush(10)
    assert [a[0] for a in activities(receiver.received())] == ["Paid", "Refunded"]
    client.shutdown()


def test_each_call_on_the_wire(receiver):
    client = make_client(receiver, workers=1)
    created = datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)
    client.identify("u1", {"name": "Ann", "email": "ann@acme.example", "created": created, "vip": True},
                    context=ACME)
    client.group("u1", "acme", {"name": "Acme", "Contract Value": 1200.0, "createdAt": "2023-05-06"},
                 integrations={"Totango": {"parent": {"id": "holding-1"}}})
    client.page("u1", "Billing", "Invoices", context=ACME)
    client.track("u1", "Exported", context={"groupId": "acme", "page": {"category": "Reports"}})
    client.track("u1", "Paid", {"category": "Payments", "amount": 3}, context={"groupId": 42})
    client.flush(10)
    records = wait_records(receiver, 6)
    assert all(r["service_id"] == SERVICE_ID and r["method"] == "GET" and r["region"] == "us" for r in records)
    user, account = records[0], records[1]
    assert (user["account"], user["user"], user["user_name"]) == ("acme", "u1", "Ann")
    assert user["user_attributes"] == {"email": "ann@acme.example", "Create Date": "2024-01-02T03:04:05.678Z",
                                       "vip": "true"}
    assert (account["account"], account["user"], account["account_name"]) == ("acme", "u1", "Acme")
    assert account["parent_id"] == "holding-1"
    assert account["account_attributes"] == {"Contract Value": "1200", "Create Date": "2023-05-06T00:00:00.000Z",
                                             "plan": "Free"}
    assert "sdr_o.Create%20Date=" in account["query"]
    assert activities(records) == [
        ("Viewed Billing Page", "Billing", "acme", "u1"),
        ("Viewed Billing Invoices Page", "Billing", "acme", "u1"),
        ("Exported", "Reports", "acme", "u1"),
        ("Paid", "Payments", "42", "u1"),
    ]
    client.shutdown()


def test_settings_of_the_shared_mapping_apply(receiver):
    client = make_client(receiver, track_categorized_pages=False, default_plan=None)
    client.page("u1", "Billing", "Invoices", context=ACME)
    client.group("u1", "acme", {"name": "Acme"})
    client.flush(10)
    records = receiver.received()
    assert activities(records) == [("Viewed Billing Invoices Page", "Billing", "acme", "u1")]
    assert [r["account_attributes"] for r in records if not r["activity"]] == [{}]
    client.shutdown()


def test_messages_that_opt_out_of_totango_are_skipped(receiver):
    client = make_client(receiver)
    assert client.track("u1", "Hidden", context=ACME, integrations={"Totango": False}) is False
    assert client.track("u1", "Hidden", context=ACME, integrations={"All": False}) is False
    assert client.track("u1", "Shown", context=ACME, integrations={"All": False, "Totango": True}) is True
    client.flush(10)
    assert [a[0] for a in activities(receiver.received())] == ["Shown"]
    assert client.stats["skipped"] == 2
    client.shutdown()


def test_anonymous_id_stands_in_for_the_user(receiver):
    client = make_client(receiver)
    client.send({"type": "track", "anonymousId": "anon-9", "event": "Opened", "context": ACME})
    client.flush(10)
    assert activities(receiver.received()) == [("Opened", None, "acme", "anon-9")]
    client.shutdown()


def test_region_picks_the_receiver_host(receiver):
    assert Client(SERVICE_ID, sync_mode=True).endpoint == "https://sdr.totango.com/pixel.gif/"
    assert Client(SERVICE_ID, region="eu1", sync_mode=True).endpoint == "https://sdr-eu1.totango.com/pixel.gif/"
    with pytest.raises(SettingsError, match="region"):
        Client(SERVICE_ID, region="eu2")
    hosts = {"us": receiver.url + "pixel.gif/", "eu1": receiver.url + "eu1/pixel.gif/"}
    for region in ("eu1", "us"):
        client = Client(SERVICE_ID, region=region, endpoints=hosts, sync_mode=True)
        assert client.track("u1", "In " + region, context=ACME) is True
    assert [(r["region"], r["activity"]) for r in receiver.received()] == [("eu1", "In eu1"), ("us", "In us")]


def test_bad_service_id_raises_at_construction():
    with pytest.raises(SettingsError, match="serviceId"):
        Client("SP 1 <script>")


def test_calls_after_shutdown_raise(receiver):
    client = make_client(receiver)
    client.shutdown()
    with pytest.raises(ClientClosedError):
        client.track("u1", "Late", context=ACME)


def test_dry_run_pixels_are_the_requests_that_would_be_made(receiver):
    client = make_client(receiver)
    requests = client.pixels({"type": "page", "userId": "u1", "category": "Billing", "name": "Invoices",
                              "context": ACME})
    assert [method for method, _, _ in requests] == ["GET", "GET"]
    assert requests[0][1].startswith(receiver.url + "pixel.gif/?sdr_s=SP-SERVER-1&sdr_o=acme&sdr_u=u1")
    client.flush(1)
    assert receiver.received() == []
    client.shutdown()
