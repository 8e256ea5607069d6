#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""fake-uapi.py: a pretend userspace WireGuard daemon that answers with canned replies, for tests.

usage: fake-uapi.py SOCKET MODE RECORD

Listens on the UNIX socket SOCKET (created under a temporary name and renamed into place once
listening, so a client never finds a socket that refuses connections), and appends every
request it reads, byte for byte up to and including its blank line, to the file RECORD.

MODE decides the answer to both get=1 and set=1 unless noted:
  valid         get: a reply in wireguard-go's order; set: errno=0
  truncated     part of a valid reply, then the connection closes before the blank line
  oversized     a line far longer than any client should accept
  garbage       bytes that are not the protocol at all
  out-of-order  get: device keys after a peer and peer keys before one, else valid; set: errno=0
  errno         errno=-22 (EINVAL)
  no-errno      just the blank line
  silent        reads the request and never answers, keeping the connection open
  close         closes each connection at once, reading nothing
  reject-early  reads only the first line of a request, answers errno=-22 and closes
  stuck         accepts no connection at all, its backlog already full
  proxy:PATH    forwards each request to the daemon listening on PATH and relays its answer
                (up to the blank line): a recording front for a real wireguard-go
"""

import os
import socket
import sys
import threading
import time

KEY_PRIVATE = "a8" + "11" * 30 + "5e"
KEY_PEER1 = "b2" * 32
KEY_PEER2 = "c3" * 31 + "00"
KEY_PSK = "d4" * 32

PEER1 = (
    f"public_key={KEY_PEER1}\n"
    f"preshared_key={KEY_PSK}\n"
    "protocol_version=1\n"
    "endpoint=192.0.2.10:51820\n"
    "last_handshake_time_sec=1700000000\n"
    "last_handshake_time_nsec=5\n"
    "tx_bytes=1234\n"
    "rx_bytes=5678\n"
    "persistent_keepalive_interval=25\n"
    "allowed_ip=10.1.0.0/16\n"
    "allowed_ip=fd00:1::/64\n"
)
PEER2 = (
    f"public_key={KEY_PEER2}\n"
    f"preshared_key={'00' * 32}\n"
    "protocol_version=1\n"
    "endpoint=[2001:db8::7]:443\n"
    "last_handshake_time_sec=0\n"
    "last_handshake_time_nsec=0\n"
    "tx_bytes=0\n"
    "rx_bytes=0\n"
    "persistent_keepalive_interval=0\n"
    "allowed_ip=10.2.0.1/32\n"
)
DEVICE = f"private_key={KEY_PRIVATE}\nlisten_port=51820\nfwmark=4660\n"
VALID_GET = (DEVICE + PEER1 + PEER2 + "errno=0\n\n").encode()
OUT_OF_ORDER_GET = (
    "allowed_ip=10.99.0.0/16\nrx_bytes=1\n"
    + DEVICE + PEER1 + "listen_port=1\nfwmark=2\nprivate_key=" + "ff" * 32 + "\n"
    + PEER2 + "errno=0\n\n"
).encode()
OK = b"errno=0\n\n"
EINVAL = b"errno=-22\n\n"

REPLIES = {
    "valid": (VALID_GET, OK),
    "truncated": (VALID_GET[: len(VALID_GET) // 2], b"errno=0\n"),
    "oversized": (b"private_key=" + b"a" * 100000 + b"\n\n", b"errno=" + b"0" * 100000 + b"\n\n"),
    "garbage": (bytes(range(256)) * 4, bytes(range(255, -1, -1)) * 4),
    "out-of-order": (OUT_OF_ORDER_GET, OK),
    "errno": (EINVAL, EINVAL),
    "no-errno": (b"\n", b"\n"),
}

record_lock = threading.Lock()


def record(path, data):
    with record_lock, open(path, "ab") as f:
        f.write(data)


def read_request(conn, first_line_only):
    """Reads up to the blank line that ends a request (or the first line); returns the bytes."""
    data = b""
    while True:
        end = data.find(b"\n") if first_line_only else data.find(b"\n\n")
        if end >= 0:
            return data[: end + (1 if first_line_only else 2)]
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk


def forward(path, request):
    """Sends the request to the daemon at path; returns its answer up to the blank line."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as daemon:
        daemon.connect(path)
        daemon.sendall(request)
        return read_request(daemon, False)


def serve(conn, mode, record_path):
    with conn:
        if mode == "close":
            return
        request = read_request(conn, mode == "reject-early")
        record(record_path, request)
        if mode == "silent":
            time.sleep(3600)
            return
        if mode == "reject-early":
            conn.sendall(EINVAL)
            return
        if mode.startswith("proxy:"):
            conn.sendall(forward(mode[len("proxy:"):], request))
            return
        get_reply, set_reply = REPLIES[mode]
        try:
            conn.sendall(get_reply if request.startswith(b"get=1\n") else set_reply)
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    modes = set(REPLIES) | {"silent", "close", "reject-early", "stuck"}
    if len(sys.argv) != 4 or (sys.argv[2] not in modes and not sys.argv[2].startswith("proxy:")):
        sys.stderr.write(__doc__)
        return 2
    path, mode, record_path = sys.argv[1:]
    temporary = path + ".tmp"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(temporary):
        os.unlink(temporary)
    server.bind(temporary)
    if mode == "stuck":
        # A backlog of 0 holds one connection; this one fills it and is never accepted.
        server.listen(0)
        filler = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        filler.connect(temporary)
        os.rename(temporary, path)
        while True:
            time.sleep(3600)
    server.listen(16)
    os.rename(temporary, path)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, mode, record_path), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
