"""A pystorm bolt that talks: logs at every level and through its logger, writes to stderr,
reports a metric and an error, then acks.

It does not print: pystorm 3.1.4 means to redirect print() into log messages, but with its JSON
serializer the redirection does not happen (it compares sys.stdout with its own wrapper of it), so
printed text lands in the protocol stream and the host rejects it as invalid JSON.
"""
import sys

from pystorm import Bolt


class LogBolt(Bolt):
    def process(self, tup):
        word = tup.values[0]
        for level in ("trace", "debug", "info", "warn", "error"):
            self.log("%s says %s" % (level, word), level=level)
        self.logger.warning("logger warns about %s", word)
        sys.stderr.write("stderr says %s\n" % word)
        sys.stderr.flush()
        self.report_metric("words", {"count": 1})
        self.send_message({"command": "error", "msg": "reported %s" % word})


if __name__ == "__main__":
    LogBolt().run()
