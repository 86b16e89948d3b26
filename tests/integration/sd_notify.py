#!/usr/bin/env python3
"""sd_notify.py - owns the stand-in for systemd's notification socket in
the integration tests: binds an AF_UNIX datagram socket (a path, or an
abstract name when it starts with '@'), writes each datagram received to
OUT as one line (newlines inside shown as '|'), and exits after COUNT
datagrams or TIMEOUT seconds."""
import socket
import sys

name, out, count, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + name[1:] if name.startswith("@") else name)
s.settimeout(timeout)
with open(out + ".ready", "w"):
    pass
with open(out, "a") as f:
    for _ in range(count):
        try:
            data = s.recv(4096)
        except socket.timeout:
            break
        f.write(data.decode().replace("\n", "|") + "\n")
        f.flush()
