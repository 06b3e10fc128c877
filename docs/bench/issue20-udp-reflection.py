#!/usr/bin/env python3
"""What a forged UDP flood gets back: sends N datagrams of the worst request (1,400 bytes of U+0390, whose upper
case is three times its size) from 127.0.0.2 to a server on 127.0.0.1, reads what comes back, then prints the
server's datagram counters. Start the server with --udp-reply-rate-exempt "" (loopback is exempt by default):

  java -jar netty-server/target/netty-server.jar --bind 127.0.0.1 --port 23500 --metrics-port 23501 \\
      --udp-reply-rate-exempt ""
  python3 docs/bench/issue20-udp-reflection.py 20000 23500 23501

Loopback only; it stops by itself."""
import socket
import sys
import time
import urllib.request

count, port, metrics_port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.setblocking(False)
request = ("\u0390" * 700).encode()
HEADERS = 28  # IPv4 and UDP
received = received_bytes = 0


def drain():
    global received, received_bytes
    try:
        while True:
            received_bytes += len(s.recv(70000)) + HEADERS
            received += 1
    except BlockingIOError:
        pass


start = time.time()
for i in range(count):
    s.sendto(request, ("127.0.0.1", port))
    if i % 20 == 0:
        time.sleep(0.0005)  # lets the server's socket buffer keep up, so the server, not the kernel, decides
    drain()
elapsed = time.time() - start
deadline = time.time() + 2
while time.time() < deadline:  # replies still on their way
    drain()
    time.sleep(0.01)
for line in urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics").read().decode().splitlines():
    if line.startswith("uppercase_datagrams"):
        print(line)
sent_bytes = count * (len(request) + HEADERS)
print(f"sent {count} datagrams, {sent_bytes} bytes with headers, in {elapsed:.2f} s; "
      f"got back {received} replies, {received_bytes} bytes ({received_bytes / sent_bytes:.3f} of what was sent)")
