"""Spout children written by hand; argv[1] picks the behaviour.

stormpy   like Storm's storm.py: emits omit need_task_ids and wait for the task ids. On "next"
          emit ["n<k>"] with id "n<k>" (k counts nexts); on "fail" replay the id; logs the
          task ids it received.
bogus     answer "next" with an unknown command
exit      exit with status 5 on the first "next" (a line on stderr first)
silent    never answer "next"
exit_on_ack  exit with status 6 when told "ack" (a line on stderr first)
"""
import sys

import rawproto

MODE = sys.argv[1]


def emit_waiting(values, tup_id):
    rawproto.send({"command": "emit", "tuple": values, "id": tup_id})
    tasks = rawproto.read_msg()
    rawproto.send({"command": "log", "msg": "task ids %s for %s" % (tasks, tup_id), "level": 2})


def main():
    rawproto.handshake()
    nexts = 0
    while True:
        cmd = rawproto.read_msg()
        if cmd is None:
            return
        command = cmd["command"]
        if command == "next":
            nexts += 1
            if MODE == "bogus":
                rawproto.send({"command": "bogus"})
                continue
            if MODE == "exit":
                sys.stderr.write("spout exiting\n")
                sys.stderr.flush()
                sys.exit(5)
            if MODE == "silent":
                continue
            emit_waiting(["n%d" % nexts], "n%d" % nexts)
        elif command == "ack" and MODE == "exit_on_ack":
            sys.stderr.write("ack kills me\n")
            sys.stderr.flush()
            sys.exit(6)
        elif command == "fail" and MODE == "stormpy":
            emit_waiting(["replay " + cmd["id"]], cmd["id"])
        rawproto.send({"command": "sync"})


if __name__ == "__main__":
    main()
