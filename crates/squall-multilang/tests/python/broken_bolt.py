"""Bolt children that break the protocol on purpose; argv[1] picks how.

exit          on the first tuple: a line on stderr, then exit status 3
invalid_json  on the first tuple: "this is not json" as a message
unknown_ack   on the first tuple: ack an id the host never sent
no_command    on the first tuple: a message without "command"
bad_stream    on the first tuple: emit on an undeclared stream
silent        never answer anything after the handshake (heartbeats included)
no_pid        exit before answering the handshake, with a line on stderr
heartbeats    log "heartbeat" for each heartbeat tuple and answer sync; ack tuples
slow_reader   report an error, wait a second before reading stdin, then ack every tuple
"""
import sys
import time

import rawproto

MODE = sys.argv[1]


def main():
    if MODE == "no_pid":
        rawproto.read_msg()
        sys.stderr.write("cannot start: missing module\n")
        sys.stderr.flush()
        sys.exit(4)
    rawproto.handshake()
    if MODE == "silent":
        while rawproto.read_msg() is not None:
            pass
        return
    if MODE == "slow_reader":
        rawproto.send({"command": "error", "msg": "before reading"})
        time.sleep(1.0)
    if MODE == "heartbeats":
        while True:
            msg = rawproto.read_msg()
            if msg is None:
                return
            if msg.get("stream") == "__heartbeat":
                rawproto.send({"command": "log", "msg": "heartbeat", "level": 2})
                rawproto.send({"command": "sync"})
            else:
                rawproto.send({"command": "ack", "id": msg["id"]})
    for tup in rawproto.tuples():
        if MODE == "exit":
            sys.stderr.write("about to die\n")
            sys.stderr.flush()
            sys.exit(3)
        elif MODE == "invalid_json":
            rawproto.send_raw("this is not json\nend\n")
        elif MODE == "unknown_ack":
            rawproto.send({"command": "ack", "id": "no-such-id"})
        elif MODE == "no_command":
            rawproto.send({"foo": 1})
        elif MODE == "bad_stream":
            rawproto.send({"command": "emit", "stream": "nope", "tuple": [1], "need_task_ids": False})
        elif MODE == "slow_reader":
            rawproto.send({"command": "ack", "id": tup["id"]})
    # Keep running until the host closes stdin.
    while rawproto.read_msg() is not None:
        pass


if __name__ == "__main__":
    main()
