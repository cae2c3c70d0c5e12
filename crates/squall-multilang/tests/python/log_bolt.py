"""A pystorm bolt that talks: logs at every level, prints, writes to stderr, reports a metric and
an error, then acks."""
import sys

from pystorm import Bolt


class LogBolt(Bolt):
    def process(self, tup):
        word = tup.values[0]
        for level in ("trace", "debug", "info", "warn", "error"):
            self.log("%s says %s" % (level, word), level=level)
        self.logger.warning("logger warns about %s", word)
        print("printed %s" % word)
        sys.stderr.write("stderr says %s\n" % word)
        sys.stderr.flush()
        self.report_metric("words", {"count": 1})
        self.send_message({"command": "error", "msg": "reported %s" % word})


if __name__ == "__main__":
    LogBolt().run()
