#!/usr/bin/python3
"""PyBluez peers for the links scenarios (run with Debian's python3).

  find UUID ADDR          print "PROTO PORT NAME" per record of class UUID
  echo UUID ADDR          find UUID's RFCOMM or L2CAP port on ADDR, connect,
                          send 3000 random bytes, expect them back; prints OK
  server UUID             RFCOMM server advertised with advertise_service:
                          prints its channel, then for one client upper-cases
                          what it reads until a newline, and closes
"""
import os
import sys

import bluetooth


def find(uuid, addr):
    for svc in bluetooth.find_service(uuid=uuid, address=addr):
        print(svc["protocol"], svc["port"], svc["name"], flush=True)


def echo(uuid, addr):
    found = bluetooth.find_service(uuid=uuid, address=addr)
    if not found:
        sys.exit("no record for %s on %s" % (uuid, addr))
    svc = found[0]
    proto = bluetooth.L2CAP if svc["protocol"] == "L2CAP" else bluetooth.RFCOMM
    sock = bluetooth.BluetoothSocket(proto)
    sock.connect((svc["host"], svc["port"]))
    data = os.urandom(3000)
    got = b""
    step = 600 if proto == bluetooth.L2CAP else 1000
    for i in range(0, len(data), step):
        sock.send(data[i:i + step])
    while len(got) < len(data):
        chunk = sock.recv(4096)
        if not chunk:
            break
        got += chunk
    sock.close()
    if got != data:
        sys.exit("echo mismatch: sent %d bytes, got %d back" % (len(data), len(got)))
    print("OK", svc["protocol"], svc["port"], flush=True)


def server(uuid):
    sock = bluetooth.BluetoothSocket(bluetooth.RFCOMM)
    sock.bind(("", bluetooth.PORT_ANY))
    sock.listen(1)
    port = sock.getsockname()[1]
    bluetooth.advertise_service(sock, "links-pybluez", service_id=uuid,
                                service_classes=[uuid])
    print(port, flush=True)
    client, _ = sock.accept()
    line = b""
    while not line.endswith(b"\n"):
        chunk = client.recv(1024)
        if not chunk:
            break
        line += chunk
    client.send(line.upper())
    client.close()
    bluetooth.stop_advertising(sock)
    sock.close()


if __name__ == "__main__":
    if sys.argv[1] == "find":
        find(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "echo":
        echo(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "server":
        server(sys.argv[2])
    else:
        sys.exit(__doc__)
