"""A bolt speaking the protocol the way Storm's own storm.py does: its emits carry no
need_task_ids key, and it blocks after each emit until the task-id array arrives. It also
pretty-prints its JSON over several lines. Emits [word, <task ids of the first emit>] anchored."""
import collections

import rawproto


PENDING = collections.deque()


def read_task_ids():
    """As storm.py's readTaskIds: tuples read while waiting for task ids are queued."""
    while True:
        msg = rawproto.read_msg()
        if isinstance(msg, list):
            return msg
        PENDING.append(msg)


def read_tuple():
    """As storm.py's readCommand for bolts: queued tuples first."""
    return PENDING.popleft() if PENDING else rawproto.read_msg()


def main():
    rawproto.handshake()
    while True:
        msg = read_tuple()
        if msg is None:
            return
        if isinstance(msg, list):
            raise SystemExit("task ids without an emit: %r" % (msg,))
        if msg.get("stream") == "__heartbeat":
            rawproto.send({"command": "sync"})
            continue
        word = msg["tuple"][0]
        rawproto.send({"command": "emit", "anchors": [msg["id"]], "tuple": [word]}, indent=2)
        tasks = read_task_ids()
        rawproto.send({"command": "emit", "anchors": msg["id"], "tuple": [word, tasks]}, indent=2)
        read_task_ids()
        rawproto.send({"command": "ack", "id": msg["id"]})


if __name__ == "__main__":
    main()
