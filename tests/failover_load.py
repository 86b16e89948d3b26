#!/usr/bin/python3
"""failover_load.py - drives several npsd through one address for the
fail-over test: `closes` posts N signed ticket closes to /hooks/generic
(Standard Webhooks signatures, as lib.sh's post does) from several threads,
resending a close that got no 2xx (a refused connection, a 502 from the
proxy while an instance is down, a 503) with the same webhook-id, as a
ticket system does; `answers` answers the surveys whose tokens it is given
as a person would (open the page, wait, send the form) and resends on
failure too. Each acknowledged request is written to --acks as
"<key> <status>"; --progress holds the number acknowledged so far.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def request(url, data=None, headers=None, timeout=30):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, b""


class Acks:
    def __init__(self, acks_path, progress_path):
        self.lock = threading.Lock()
        self.acks = open(acks_path, "w")
        self.progress_path = progress_path
        self.count = 0
        self.retries = 0

    def ack(self, key, status):
        with self.lock:
            self.acks.write("%s %d\n" % (key, status))
            self.acks.flush()
            self.count += 1
            with open(self.progress_path + ".tmp", "w") as f:
                f.write(str(self.count))
            os.replace(self.progress_path + ".tmp", self.progress_path)


def post_close(base, key, i, acks, deadline):
    body = json.dumps({
        "type": "ticket.closed",
        "ticket": {"id": "FO-%d" % i, "subject": "Fail-over %d" % i, "category": "Hardware"},
        "requester": {"email": "fo-%d@example.net" % i, "name": "Requester %d" % i,
                      "language": "en"},
        "agent": {"id": "agent-%d" % (i % 7), "email": "agent-%d@example.org" % (i % 7),
                  "name": "Agent %d" % (i % 7)},
        "team": {"id": "team-%d" % (i % 3), "name": "Team %d" % (i % 3)},
    }).encode()
    wid = "msg_failover_%d" % i
    while time.time() < deadline:
        ts = str(int(time.time()))
        mac = hmac.new(key, ("%s.%s." % (wid, ts)).encode() + body, hashlib.sha256).digest()
        status, _ = request(base + "/hooks/generic", body, {
            "Content-Type": "application/json", "webhook-id": wid,
            "webhook-timestamp": ts,
            "webhook-signature": "v1," + base64.b64encode(mac).decode()})
        if 200 <= status < 300:
            acks.ack("FO-%d" % i, status)
            return
        with acks.lock:
            acks.retries += 1
        time.sleep(0.2)
    sys.stderr.write("close FO-%d never acknowledged\n" % i)


def answer(base, token, score, acks, deadline):
    while time.time() < deadline:
        status, page = request("%s/s/%s?score=%d" % (base, token, score))
        m = re.search(rb'name="r" value="([^"]*)"', page)
        if status != 200 or not m:
            with acks.lock:
                acks.retries += 1
            time.sleep(0.2)
            continue
        time.sleep(2.1)
        data = urllib.parse.urlencode({"r": m.group(1).decode(), "score": score,
                                       "comment": "fail-over answer"}).encode()
        status, _ = request("%s/s/%s" % (base, token), data)
        if status == 200:
            acks.ack(token, status)
            return
        with acks.lock:
            acks.retries += 1
        time.sleep(0.2)
    sys.stderr.write("answer %s never acknowledged\n" % token)


def run(jobs, threads):
    lock = threading.Lock()
    it = iter(jobs)

    def worker():
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                return
            job()

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["closes", "answers"])
    ap.add_argument("--base", required=True)
    ap.add_argument("--secret-b64", default="")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--tokens", default="")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--acks", required=True)
    ap.add_argument("--progress", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    acks = Acks(args.acks, args.progress)
    deadline = time.time() + args.timeout
    t0 = time.time()
    if args.mode == "closes":
        key = base64.b64decode(args.secret_b64)
        run([lambda i=i: post_close(args.base, key, i, acks, deadline)
             for i in range(args.count)], args.threads)
    else:
        tokens = open(args.tokens).read().split()
        run([lambda t=t, n=n: answer(args.base, t, n % 11, acks, deadline)
             for n, t in enumerate(tokens)], args.threads)
    print("%s: %d acknowledged, %d resent, %.1f s" % (args.mode, acks.count, acks.retries,
                                                    time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
