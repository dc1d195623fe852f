"""One Totango mapping, two transports: the tag in Chromium and the server client, same result at the receiver.

The browser side is the real tag (snippet, Python in the page, the emulator's
collector making pixels); the server side is ``totango_py.server.Client``
sending its own pixels. The receiver must end up with the same activities (in
order, with module, account and user) and the same account and user attributes.
"""

import datetime
import json
import os
import subprocess
import sys
import zipfile

import pytest

from page_helpers import RUNTIMES, SERVICE_ID, tag_page, wait_pixels
from paths import DIST, ROOT
from server_helpers import activities, merged_parties
from totango_py.server import Client

BROWSER_CALLS = """
analytics.identify('u-7', {name: 'Ann', email: 'ann@acme.example', vip: true, seats: 3,
                           created: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))});
analytics.group('acme', {name: 'Acme', plan: 'Paying', employees: 40.0, createdAt: '2023-05-06T07:08:09Z'},
                {integrations: {Totango: {parent: {id: 'holding-1'}}}});
analytics.page('Billing', 'Invoices');
analytics.track('Paid', {category: 'Payments', amount: 12.5});
analytics.track('Exported');
"""


def server_calls(client):
    account = {"groupId": "acme"}
    client.identify("u-7", {"name": "Ann", "email": "ann@acme.example", "vip": True, "seats": 3,
                            "created": datetime.datetime(2024, 1, 2, 3, 4, 5, 678000)}, context=account)
    client.group("u-7", "acme", {"name": "Acme", "plan": "Paying", "employees": 40.0,
                                 "createdAt": "2023-05-06T07:08:09Z"},
                 integrations={"Totango": {"parent": {"id": "holding-1"}}})
    client.page("u-7", "Billing", "Invoices", context=account)
    client.track("u-7", "Paid", {"category": "Payments", "amount": 12.5}, context=account)
    # Stateless on a server: the page's category that the browser remembers travels in the context.
    client.track("u-7", "Exported", context={"groupId": "acme", "page": {"category": "Billing"}})


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_browser_and_server_reach_the_same_totango_state(site, server, watched, runtime):
    watched.goto(server.url + tag_page(site, "parity-" + runtime, runtime, BROWSER_CALLS))
    browser = wait_pixels(server, 4, identified=1)
    assert watched.errors == []
    server.clear()

    client = Client(SERVICE_ID, endpoint=server.url + "pixel.gif/", workers=1)
    server_calls(client)
    assert client.shutdown(10)
    sent = server.received()

    expected = [
        ("Viewed Billing Page", "Billing", "acme", "u-7"),
        ("Viewed Billing Invoices Page", "Billing", "acme", "u-7"),
        ("Paid", "Payments", "acme", "u-7"),
        ("Exported", "Billing", "acme", "u-7"),
    ]
    assert activities(browser) == activities(sent) == expected
    assert merged_parties(browser) == merged_parties(sent) == (
        {"acme": {"account_name": "Acme", "parent_id": "holding-1", "plan": "Paying", "employees": "40",
                  "Create Date": "2023-05-06T07:08:09.000Z"}},
        {"u-7": {"name": "Ann", "email": "ann@acme.example", "vip": "true", "seats": "3",
                 "Create Date": "2024-01-02T03:04:05.678Z"}},
    )
    assert {r["service_id"] for r in browser} == {r["service_id"] for r in sent} == {SERVICE_ID}


def test_the_page_never_gets_the_server_client():
    with open(os.path.join(DIST, "tag", "files.json")) as handle:
        bundle_path = json.load(handle)["runtimes"]["pyodide"]["bundle"]
    with zipfile.ZipFile(os.path.join(DIST, "tag", bundle_path)) as archive:
        bundle = archive.namelist()
    assert "totango_py/totango.py" in bundle
    assert not [path for path in bundle if path.startswith("totango_py/server/")]
    probe = ("import sys, totango_py\n"
             "print(sorted(m for m in sys.modules if m.startswith(('urllib3', 'totango_py.server'))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
