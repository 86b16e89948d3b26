#!/usr/bin/python3
"""smtp_sink.py - a real SMTP server (aiosmtpd) for the integration tests.

Writes every accepted message to DIR/NNNN.eml and every DATA attempt's
Message-ID to DIR/attempts.log. Can refuse the first N messages with a 4xx
(--tempfail N), and refuses recipients starting with "reject" with a 550.
Faults on demand: --data-delay S stores the message, then waits S seconds
before its final reply (for the first --data-delay-count messages, default
all); --mail-delay S stalls S seconds before answering MAIL FROM, after
logging it to DIR/mail.log. Listens on 127.0.0.1 only; writes the port it
got to --port-file.
"""
import argparse
import asyncio
import os
import signal
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, tempfail, data_delay=0.0, data_delay_count=-1,
                 mail_delay=0.0):
        self.directory = directory
        self.tempfail = tempfail
        self.data_delay = data_delay
        self.data_delay_count = data_delay_count
        self.mail_delay = mail_delay
        self.count = 0
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with open(os.path.join(self.directory, "mail.log"), "a") as log:
            log.write(address + "\n")
        if self.mail_delay > 0:
            await asyncio.sleep(self.mail_delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 <%s>: no such user" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        message_id = b""
        for line in content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip()
                break
        with self.lock:
            with open(os.path.join(self.directory, "attempts.log"), "ab") as log:
                log.write(message_id + b"\n")
            if self.tempfail > 0:
                self.tempfail -= 1
                return "451 4.3.0 temporary failure, try again"
            self.count += 1
            name = os.path.join(self.directory, "%04d.eml" % self.count)
            with open(name + ".tmp", "wb") as out:
                out.write(content)
            os.rename(name + ".tmp", name)
            delay = 0.0
            if self.data_delay > 0 and self.data_delay_count != 0:
                delay = self.data_delay
                if self.data_delay_count > 0:
                    self.data_delay_count -= 1
        if delay > 0:
            await asyncio.sleep(delay)
        return "250 2.0.0 queued"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tempfail", type=int, default=0)
    ap.add_argument("--data-delay", type=float, default=0.0)
    ap.add_argument("--data-delay-count", type=int, default=-1)
    ap.add_argument("--mail-delay", type=float, default=0.0)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    controller = Controller(Sink(args.dir, args.tempfail, args.data_delay,
                                 args.data_delay_count, args.mail_delay), hostname="127.0.0.1", port=port,
                            data_size_limit=1024 * 1024)
    controller.start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(args.port_file + ".tmp", args.port_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    deadline = time.time() + 600    # never outlive a test run
    while not stop.is_set() and time.time() < deadline:
        stop.wait(0.2)
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
