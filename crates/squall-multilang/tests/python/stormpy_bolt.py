"""A bolt speaking the protocol the way Storm's own storm.py does: its emits carry no
need_task_ids key, and it blocks after each emit until the task-id array arrives. It also
pretty-prints its JSON over several lines. Emits [word, <task ids of the first emit>] anchored."""
import json
import os

import rawproto


def main():
    conf, context = rawproto.handshake()
    while True:
        msg = rawproto.read_msg()
        if msg is None:
            return
        if isinstance(msg, list):
            raise SystemExit("task ids without an emit: %r" % (msg,))
        if msg.get("stream") == "__heartbeat":
            rawproto.send({"command": "sync"})
            continue
        word = msg["tuple"][0]
        rawproto.send({"command": "emit", "anchors": [msg["id"]], "tuple": [word]}, indent=2)
        tasks = rawproto.read_msg()
        rawproto.send({"command": "emit", "anchors": msg["id"], "tuple": [word, tasks]}, indent=2)
        rawproto.read_msg()
        rawproto.send({"command": "ack", "id": msg["id"]})


if __name__ == "__main__":
    main()
