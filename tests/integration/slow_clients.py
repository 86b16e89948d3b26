#!/usr/bin/python3
# slow_clients.py - owns the hostile HTTP clients of the integration tests:
# slowloris (headers at one byte a second), idle connection floods and slow
# bodies from many loopback addresses, while probes from another address
# time GET /healthz and a signed webhook. Prints one JSON summary line.
import argparse
import base64
import errno
import hashlib
import hmac
import http.client
import json
import resource
import selectors
import socket
import threading
import time


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Attack(threading.Thread):
    """Keeps `per_address` connections open from each address; reopens
    what the server closes, at most `open_per_tick` a tick."""

    def __init__(self, args):
        super().__init__(daemon=True)
        self.a = args
        self.sel = selectors.DefaultSelector()
        self.conns = {}          # socket -> [address, opened_at, sent_bytes, connected]
        self.open_by_addr = {}
        self.stop_at = None
        self.stopping = threading.Event()
        self.stats = {"opened": 0, "closed_by_server": 0, "connect_errors": 0,
                      "max_open": 0, "max_lifetime_s": 0.0, "open_at_end": 0}
        self.payload = self.first_bytes()

    def first_bytes(self):
        m = self.a.mode
        if m == "slowloris":
            return b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
        if m == "slowbody":
            return (b"POST /hooks/generic HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        return b""

    def open_one(self, addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((addr, 0))
            rc = s.connect_ex(("127.0.0.1", self.a.port))
        except OSError:
            s.close()
            self.stats["connect_errors"] += 1
            return False
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            self.stats["connect_errors"] += 1
            return False
        self.conns[s] = [addr, time.monotonic(), 0, False]
        self.open_by_addr[addr] = self.open_by_addr.get(addr, 0) + 1
        self.sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        self.stats["opened"] += 1
        return True

    def drop(self, s, by_server):
        info = self.conns.pop(s)
        self.open_by_addr[info[0]] -= 1
        if by_server and info[3]:
            self.stats["closed_by_server"] += 1
            life = time.monotonic() - info[1]
            self.stats["max_lifetime_s"] = max(self.stats["max_lifetime_s"], round(life, 2))
        elif by_server:
            self.stats["connect_errors"] += 1
        self.sel.unregister(s)
        s.close()

    def send_some(self, s, info):
        """Sends the next byte (or, first, the request's opening)."""
        if self.a.mode == "idle":
            return
        data = self.payload if info[2] == 0 else b"a"
        try:
            n = s.send(data)
        except OSError:
            return
        info[2] += n

    def refill(self):
        budget = self.a.open_per_tick
        if self.a.once and self.stats["opened"] >= len(self.a.attack_addresses) * self.a.per_address:
            return
        for addr in self.a.attack_addresses:
            while budget > 0 and self.open_by_addr.get(addr, 0) < self.a.per_address:
                if not self.open_one(addr):
                    break
                budget -= 1

    def run(self):
        last_trickle = time.monotonic()
        deadline = time.monotonic() + self.a.duration + 30
        while not self.stopping.is_set() and time.monotonic() < deadline:
            self.refill()
            for key, ev in self.sel.select(timeout=0.05):
                s = key.fileobj
                info = self.conns.get(s)
                if info is None:
                    continue
                if ev & selectors.EVENT_WRITE and not info[3]:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                        self.drop(s, False)
                        continue
                    info[3] = True
                    self.sel.modify(s, selectors.EVENT_READ)
                    self.send_some(s, info)
                    continue
                if ev & selectors.EVENT_READ:
                    try:
                        data = s.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        self.drop(s, True)
            self.stats["max_open"] = max(self.stats["max_open"],
                                         sum(1 for i in self.conns.values() if i[3]))
            if time.monotonic() - last_trickle >= 1.0:
                last_trickle = time.monotonic()
                for s, info in list(self.conns.items()):
                    if info[3]:
                        self.send_some(s, info)
        self.stats["open_at_end"] = sum(1 for i in self.conns.values() if i[3])
        for s in list(self.conns):
            self.drop(s, False)


def webhook(args, n):
    body = json.dumps({"type": "ticket.reopened", "ticket": {"id": "PROBE-%d" % n}}).encode()
    wid, ts = "msg_probe_%d_%d" % (n, time.time_ns()), str(int(time.time()))
    key = base64.b64decode(args.secret_b64)
    sig = base64.b64encode(hmac.new(key, b"%s.%s.%s" % (wid.encode(), ts.encode(), body),
                                    hashlib.sha256).digest()).decode()
    return body, {"Content-Type": "application/json", "webhook-id": wid,
                  "webhook-timestamp": ts, "webhook-signature": "v1," + sig}


def probe(args, kind, n):
    """One request from the probe address; (status or error, seconds)."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.probe_timeout,
                                   source_address=(args.probe_address, 0))
    try:
        if kind == "healthz":
            c.request("GET", "/healthz")
        else:
            body, headers = webhook(args, n)
            c.request("POST", "/hooks/generic", body=body, headers=headers)
        status = c.getresponse().status
    except OSError as e:
        status = type(e).__name__
    finally:
        c.close()
    return status, time.monotonic() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["slowloris", "idle", "slowbody"], required=True)
    p.add_argument("--addresses", type=int, default=10, help="127.0.0.1 .. 127.0.0.N")
    p.add_argument("--first-address", type=int, default=1)
    p.add_argument("--per-address", type=int, default=100)
    p.add_argument("--open-per-tick", type=int, default=500)
    p.add_argument("--once", action="store_true", help="do not reopen what the server closes")
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--duration", type=float, default=10.0)
    p.add_argument("--probe-address", default="127.0.0.100")
    p.add_argument("--probe-interval", type=float, default=0.25)
    p.add_argument("--probe-timeout", type=float, default=10.0)
    p.add_argument("--no-probes", action="store_true")
    p.add_argument("--secret-b64", default="")
    args = p.parse_args()
    args.attack_addresses = ["127.0.0.%d" % (args.first_address + i)
                             for i in range(args.addresses)]
    fd_limit = raise_fd_limit(args.addresses * args.per_address + 256)

    attack = Attack(args)
    attack.start()
    time.sleep(args.warmup)
    open_after_warmup = sum(1 for i in list(attack.conns.values()) if i[3])
    results = {"healthz": [], "webhook": []}
    end, n = time.monotonic() + args.duration, 0
    while time.monotonic() < end:
        if not args.no_probes:
            results["healthz"].append(probe(args, "healthz", n))
            if n % 4 == 0 and args.secret_b64:
                results["webhook"].append(probe(args, "webhook", n))
        n += 1
        time.sleep(args.probe_interval)
    attack.stopping.set()
    attack.join(timeout=20)

    out = dict(attack.stats, mode=args.mode, fd_limit=fd_limit,
               open_after_warmup=open_after_warmup)
    for kind, rs in results.items():
        out[kind] = {"count": len(rs),
                     "ok": sum(1 for st, _ in rs if st in (200, 202)),
                     "max_ms": round(max((t for _, t in rs), default=0) * 1000),
                     "statuses": sorted({str(st) for st, _ in rs})}
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
