#!/usr/bin/env python3
"""Times the official Volcengine Python SDK's V4 signer (volcengine.auth.SignerV4).

Signs the same request as `signing/volc` in crates/volc-record/benches/signing.rs (the
documented RTC example of fixtures/volc/signing/official_rtc_standard: GET / with
Action=GetRecordTask, Version=2023-11-01, AppId=661e****543cf, RoomId=Room1, TaskId=Task1
to rtc.volcengineapi.com, region cn-north-1, service rtc, the doc's key pair, at the fixed
time 2024-06-19T07:13:06Z) N times with SignerV4.sign_only, the SDK entry point that takes
a fixed date. Each iteration builds its SignParam afresh, as a caller does per request; the
SDK derives the signing key on every call (it has no cache), so compare it with both
`signing/volc` (warm key cache) and `signing/volc_cold`.

The output is checked against the golden Authorization header first. Prints one JSON
object on stdout: {"volc_python_signer_us": <microseconds per signature>}, the best mean
of several rounds. `cargo xtask bench` runs it in target/bench-venv with the pinned SDK
version (xtask/src/bench.rs VOLC_PYTHON_SDK), created on first use; no network access
after that.

Usage: python3 xtask/bench/volc_python_signer.py [N] [ROUNDS]
"""

import datetime
import json
import sys
import time
from collections import OrderedDict

from volcengine.Credentials import Credentials
from volcengine.auth.SignParam import SignParam
from volcengine.auth.SignerV4 import SignerV4

ACCESS_KEY_ID = "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg"
SECRET_ACCESS_KEY = "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ=="
HOST = "rtc.volcengineapi.com"
DATE = datetime.datetime(2024, 6, 19, 7, 13, 6, tzinfo=datetime.timezone.utc)
QUERY = [
    ("Action", "GetRecordTask"),
    ("Version", "2023-11-01"),
    ("AppId", "661e****543cf"),
    ("RoomId", "Room1"),
    ("TaskId", "Task1"),
]
EXPECTED_AUTHORIZATION = (
    "HMAC-SHA256 Credential=AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg/"
    "20240619/cn-north-1/rtc/request, SignedHeaders=host;x-content-sha256;x-date, "
    "Signature=2a0b33e00761c5d302afb2599b73e07e896ea105ef777d89a3d5ebe2f64fd5b4"
)


def sign_once(credentials):
    param = SignParam()
    param.set_method("GET")
    param.set_host(HOST)
    param.set_path("/")
    param.set_body("")
    param.set_query(OrderedDict(QUERY))
    param.set_header_list(OrderedDict([("Host", HOST)]))
    param.set_date(DATE)
    return SignerV4.sign_only(param, credentials)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    credentials = Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, "rtc", "cn-north-1")
    got = sign_once(credentials).authorization
    if got != EXPECTED_AUTHORIZATION:
        sys.exit(f"the SDK's Authorization differs from the golden vector:\n{got}")
    best = None
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            sign_once(credentials)
        per_call_us = (time.perf_counter() - start) / n * 1e6
        best = per_call_us if best is None else min(best, per_call_us)
    print(json.dumps({"volc_python_signer_us": round(best, 3)}))


if __name__ == "__main__":
    main()
