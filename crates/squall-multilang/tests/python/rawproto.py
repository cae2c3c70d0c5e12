"""The multilang protocol by hand, for test children that must misbehave on purpose."""
import json
import os
import sys


def read_msg():
    """One message from the host, or None at EOF."""
    lines = []
    while True:
        line = sys.stdin.readline()
        if line == "":
            return None
        if line == "end\n":
            return json.loads("".join(lines))
        lines.append(line)


def send(msg, indent=None):
    sys.stdout.write(json.dumps(msg, indent=indent) + "\nend\n")
    sys.stdout.flush()


def send_raw(text):
    sys.stdout.write(text)
    sys.stdout.flush()


def handshake():
    """Reads the setup message, writes the PID file and answers with the pid."""
    setup = read_msg()
    open(os.path.join(setup["pidDir"], str(os.getpid())), "w").close()
    send({"pid": os.getpid()})
    return setup["conf"], setup["context"]


def tuples():
    """Yields the data tuples, answering heartbeats with sync."""
    while True:
        msg = read_msg()
        if msg is None:
            return
        if msg.get("stream") == "__heartbeat":
            send({"command": "sync"})
            continue
        yield msg
