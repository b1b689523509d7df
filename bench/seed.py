#!/usr/bin/env python3
"""Seeds a Releasy API for bench/run.sh, through its HTTP API only (admin key), in parallel.

    python3 bench/seed.py BASE_URL ADMIN_KEY OUT_ENV_FILE

Creates about 1,000 customers; 200 releases over 5 products, each with 4 artifacts that go through the real
presign -> upload -> register flow (so registration's storage check passes) and then published; and one benchmark
customer entitled to 3 of the products, with a customer API key (releases:read, downloads:token, keys:read) and a
download token valid for a day. Writes what the measurements need as shell assignments to OUT_ENV_FILE.
"""
import hashlib
import http.client
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

CUSTOMERS = int(os.environ.get("BENCH_SEED_CUSTOMERS", "999"))
PRODUCTS = ["atlas", "borealis", "cirrus", "dynamo", "ember"]
RELEASES_PER_PRODUCT = int(os.environ.get("BENCH_SEED_RELEASES_PER_PRODUCT", "40"))
PLATFORMS = ["linux-x64", "linux-arm64", "windows-x64", "macos-arm64"]
ENTITLED = PRODUCTS[:3]
WORKERS = 8

base, admin_key, out_file = sys.argv[1], sys.argv[2], sys.argv[3]
local = threading.local()


def connection(netloc):
    """One keep-alive connection per thread and host."""
    pool = getattr(local, "pool", None)
    if pool is None:
        pool = local.pool = {}
    if netloc not in pool:
        pool[netloc] = http.client.HTTPConnection(netloc, timeout=30)
    return pool[netloc]


def call(method, url, body=None, headers=None, expect=(200,), raw=False):
    parts = urlsplit(url if "://" in url else base + url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    headers = dict(headers or {})
    if body is not None and not raw:
        body = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    for attempt in (1, 2):
        conn = connection(parts.netloc)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            break
        except (http.client.HTTPException, ConnectionError):
            conn.close()  # a keep-alive connection the server closed: reconnect once
            if attempt == 2:
                raise
    if response.status not in expect:
        raise RuntimeError(f"{method} {parts.path}: HTTP {response.status}: {data[:300]!r}")
    return json.loads(data) if data and response.headers.get("content-type", "").startswith("application/json") else None


def admin(method, path, body=None, expect=(200,)):
    return call(method, path, body, {"x-releasy-admin-key": admin_key}, expect)


def create_customer(i):
    admin("POST", "/v1/admin/customers", {"name": f"customer {i:04d}", "plan": ["core", "pro", "enterprise"][i % 3]})


def create_release(product, n):
    version = f"{n // 10}.{n % 10}.0"
    release = admin("POST", "/v1/releases", {"product": product, "version": version})
    artifacts = []
    for platform in PLATFORMS:
        filename = f"{product}-{version}-{platform}.tar.gz"
        presigned = admin("POST", f"/v1/releases/{release['id']}/artifacts/presign", {"filename": filename, "platform": platform})
        content = f"{product} {version} {platform}\n".encode() * 8
        call("PUT", presigned["upload_url"], content, {"content-type": "application/octet-stream"}, raw=True)
        artifact = admin("POST", f"/v1/releases/{release['id']}/artifacts", {
            "artifact_id": presigned["artifact_id"], "platform": platform, "object_key": presigned["object_key"],
            "checksum": hashlib.sha256(content).hexdigest(), "size": len(content)})
        artifacts.append(artifact["id"])
    admin("POST", f"/v1/releases/{release['id']}/publish")
    return product, artifacts


def run_all(fn, args):
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda a: fn(*a), args))


started = time.monotonic()
run_all(create_customer, [(i,) for i in range(CUSTOMERS)])
customers_done = time.monotonic()
releases = run_all(create_release, [(p, n) for n in range(RELEASES_PER_PRODUCT) for p in PRODUCTS])
releases_done = time.monotonic()

customer = admin("POST", "/v1/admin/customers", {"name": "benchmark customer", "plan": "enterprise"})
now = int(time.time())
for product in ENTITLED:
    admin("POST", f"/v1/admin/customers/{customer['id']}/entitlements", {"product": product, "starts_at": now - 86400})
key = admin("POST", "/v1/admin/keys", {
    "customer_id": customer["id"], "key_type": "ci", "scopes": ["releases:read", "downloads:token", "keys:read"]})
api_key = key["api_key"]
# The newest release of an entitled product: the one a polling client would fetch.
artifact = [a for product, ids in releases if product == ENTITLED[0] for a in ids][-1]
token = call("POST", "/v1/downloads/token", {"artifact_id": artifact, "expires_in_seconds": 86400},
             {"x-releasy-api-key": api_key})
download_token = token["download_url"].rsplit("/", 1)[1]

with open(out_file, "w") as out:
    out.write(f"BENCH_API_KEY={api_key}\nBENCH_ARTIFACT_ID={artifact}\nBENCH_DOWNLOAD_TOKEN={download_token}\n")
print(f"seeded {CUSTOMERS + 1} customers in {customers_done - started:.1f} s; "
      f"{len(releases)} published releases ({len(PRODUCTS)} products) with {len(releases) * len(PLATFORMS)} artifacts "
      f"(presign, upload, register) in {releases_done - customers_done:.1f} s; "
      f"benchmark customer entitled to {', '.join(ENTITLED)}; total {time.monotonic() - started:.1f} s")
