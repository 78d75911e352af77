#!/usr/bin/env python3
"""Raw HTTP clients for tests/serve.sh, on loopback only.

  http.py slow PORT N DEADLINE KIND   N clients trickling a byte a second (KIND: body, head or
                                      mixed) against a server whose requests must arrive within
                                      DEADLINE s: /healthz and an evaluation answer 200 promptly
                                      while they trickle; every trickler gets 408 or is closed,
                                      neither before its deadline nor long after it
  http.py framing PORT CASE           one request of ambiguous framing with a second request
                                      pipelined behind it: 400, the connection closed, the
                                      second request not answered (CASE control: two plain
                                      requests, both answered)
  http.py hold PORT SECONDS           one upload trickling a byte every 0.2 s, for SECONDS

Prints what it saw; exits 0 when the server behaved, 1 when it did not.
"""
import json
import resource
import selectors
import socket
import sys
import time

HOST = "127.0.0.1"


def raise_nofile(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def parse_responses(data):
    """The complete responses at the start of data: [(status, headers, body)]."""
    out = []
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return out
        head = data[:end].decode("latin-1").split("\r\n")
        try:
            status = int(head[0].split(" ")[1])
        except (IndexError, ValueError):
            return out
        hdrs = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length", "0") or 0)
        if len(data) < end + 4 + n:
            return out
        out.append((status, hdrs, data[end + 4:end + 4 + n]))
        data = data[end + 4 + n:]


def exchange(port, raw, want=None, timeout=3.0):
    """Sends raw, reads until the server closes (or `want` responses are complete, or the
    timeout). Returns (responses, closed, seconds)."""
    t0 = time.monotonic()
    s = socket.create_connection((HOST, port), timeout=timeout)
    data = b""
    closed = False
    try:
        s.sendall(raw)
    except OSError:
        pass
    s.settimeout(0.2)
    while time.monotonic() - t0 < timeout:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:  # reset: what arrived before it still counts
            closed = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
        if want is not None and len(parse_responses(data)) >= want:
            break
    s.close()
    return parse_responses(data), closed, time.monotonic() - t0


def get(port, path, body=None, timeout=3.0):
    if body is None:
        raw = ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, HOST)).encode()
    else:
        raw = ("POST %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Type: application/json\r\n"
               "Content-Length: %d\r\n\r\n" % (path, HOST, len(body))).encode() + body
    rs, _, secs = exchange(port, raw, want=1, timeout=timeout)
    return (rs[0][0] if rs else None), secs


def slow(port, n, deadline, kind):
    have = raise_nofile(n + 64)
    if have < n + 64:
        print("only %d descriptors: %d clients instead of %d" % (have, have - 64, n))
        n = have - 64
    sel = selectors.DefaultSelector()
    clients = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((HOST, port))
        except OSError as e:
            print("client %d could not connect: %s" % (i, e))
            return 1
        body = kind == "body" or (kind == "mixed" and i % 2 == 0)
        if body:
            head = ("POST /api/v1/eval HTTP/1.1\r\nHost: %s\r\nContent-Type: application/yaml\r\n"
                    "Content-Length: 100000\r\n\r\n" % HOST)
        else:
            head = "POST /api/v1/eval HTTP/1.1\r\nHost: %s\r\nX-Slow: " % HOST
        c = {"s": s, "t": time.monotonic(), "end": None, "data": b"", "body": body}
        try:
            s.sendall(head.encode())
        except OSError:
            c["end"] = time.monotonic()
        s.setblocking(False)
        clients.append(c)
        if c["end"] is None:
            sel.register(s, selectors.EVENT_READ, c)
    opened = time.monotonic()
    print("%d %s clients open in %.2f s" % (n, kind, opened - clients[0]["t"]))
    ok = True

    def probe(when):
        nonlocal ok
        st, secs = get(port, "/healthz", timeout=3)
        print("%s: GET /healthz %s in %.2f s" % (when, st, secs))
        if st != 200 or secs > 2:
            ok = False
        st, secs = get(port, "/api/v1/eval?as_of=2025-06-30", b'{"id": "A", "name": "B"}', timeout=3)
        print("%s: POST /api/v1/eval %s in %.2f s" % (when, st, secs))
        if st != 200 or secs > 2:
            ok = False

    def end(c):
        if c["end"] is None:
            c["end"] = time.monotonic()
            sel.unregister(c["s"])

    probed = False
    last_send = opened
    while time.monotonic() < opened + deadline + 4:
        live = [c for c in clients if c["end"] is None]
        if not live:
            break
        if not probed and time.monotonic() > opened + 0.3:
            probe("while %d clients trickle" % len(live))
            probed = True
        if time.monotonic() - last_send >= 1.0:  # a byte a second from each
            last_send = time.monotonic()
            for c in live:
                try:
                    c["s"].send(b"a")
                except BlockingIOError:
                    pass
                except OSError:
                    end(c)
        for key, _ in sel.select(timeout=0.1):
            c = key.data
            try:
                chunk = c["s"].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                end(c)
                continue
            if chunk:
                c["data"] += chunk
            else:
                end(c)
    if not probed:
        probe("after the clients")
    early = [c for c in clients if c["end"] is not None and c["end"] - c["t"] < deadline - 0.3]
    late = [c for c in clients if c["end"] is None or c["end"] - c["t"] > deadline + 2.5]
    got408 = [c for c in clients if parse_responses(c["data"])[:1] and
              parse_responses(c["data"])[0][0] == 408]
    other = [c for c in clients if c["data"] and c not in got408]
    ends = sorted(c["end"] - c["t"] for c in clients if c["end"] is not None)
    print("ended after %.2f to %.2f s (deadline %g s); %d answered 408, %d closed without an "
          "answer, %d ended early, %d too late, %d answered something else" %
          (ends[0] if ends else -1, ends[-1] if ends else -1, deadline, len(got408),
           len([c for c in clients if c["end"] is not None and not c["data"]]), len(early),
           len(late), len(other)))
    for c in other[:3]:
        print("    answered: %r" % c["data"][:120])
    if early or late or other or not got408:
        ok = False
    for c in got408[:1]:
        try:
            json.loads(parse_responses(c["data"])[0][2])
        except ValueError:
            print("the 408 body is not JSON: %r" % c["data"][:300])
            ok = False
    for c in clients:
        c["s"].close()
    probe("afterwards")
    return 0 if ok else 1


SMUGGLED = b"GET /api/v1/policies/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
POST = b"POST /api/v1/eval HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
FRAMING = {
    # name: (request, MHD answers it itself (its own HTML body))
    "cl-te": (POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "te-cl": (POST + b"Transfer-Encoding: chunked\r\nContent-Length: 48\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "cl-cl": (POST + b"Content-Length: 0\r\nContent-Length: 59\r\n\r\n" + SMUGGLED, False),
    "xchunked-cl": (POST + b"Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "xchunked": (POST + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "te-list": (POST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "te-te": (POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "te-space": (POST + b"Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "te-http10": (b"POST /api/v1/eval HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, False),
    "cl-bad-second": (POST + b"Content-Length: 0\r\nContent-Length: 0x\r\n\r\n" + SMUGGLED, False),
    "cl-bad": (POST + b"Content-Length: 12abc\r\n\r\n" + SMUGGLED, True),
    "cl-negative": (POST + b"Content-Length: -1\r\n\r\n" + SMUGGLED, True),
}


def framing(port, case):
    if case == "control":  # the same pipelining, well framed: both are answered
        raw = POST + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}" + SMUGGLED
        rs, closed, secs = exchange(port, raw, want=2)
        print("%d responses %s in %.2f s" % (len(rs), [r[0] for r in rs], secs))
        return 0 if [r[0] for r in rs] == [422, 404] else 1
    raw, by_mhd = FRAMING[case]
    rs, closed, secs = exchange(port, raw)
    print("%d responses %s, %s in %.2f s" % (len(rs), [r[0] for r in rs],
                                             "closed" if closed else "still open", secs))
    if len(rs) != 1 or rs[0][0] != 400 or not closed or secs > 2.5:
        return 1
    if not by_mhd:
        try:
            j = json.loads(rs[0][2])
            print("message: %s" % j["error"]["message"])
            if j["error"]["status"] != 400 or rs[0][1].get("connection", "").lower() != "close":
                return 1
        except (ValueError, KeyError, TypeError):
            print("not a JSON error: %r" % rs[0][2][:200])
            return 1
    return 0


def hold(port, seconds):
    """One upload that sends a byte every 0.2 s for `seconds`, then gives up."""
    s = socket.create_connection((HOST, port), timeout=5)
    s.sendall(POST + b"Content-Length: 100000\r\n\r\n")
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        try:
            s.send(b" ")
        except OSError:
            break
        time.sleep(0.2)
    s.close()
    return 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "slow":
        return slow(int(argv[2]), int(argv[3]), float(argv[4]), argv[5] if len(argv) > 5 else "body")
    if len(argv) == 4 and argv[1] == "framing":
        return framing(int(argv[2]), argv[3])
    if len(argv) == 4 and argv[1] == "hold":
        return hold(int(argv[2]), float(argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
