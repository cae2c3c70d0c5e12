"""A pystorm bolt that emits anchored to its input: [WORD, len(word)], then auto-acks.

A word "twice" gets a second, explicitly anchored emit on the default stream. Tick tuples are
logged ("tick <rate>") and auto-acked, as pystorm does.
"""
from pystorm import Bolt


class AnchorBolt(Bolt):
    def process(self, tup):
        word = tup.values[0]
        self.emit([word.upper(), len(word)])
        if word == "twice":
            self.emit([word, 2], anchors=[tup])

    def process_tick(self, tup):
        self.logger.info("tick %s", tup.values[0])


if __name__ == "__main__":
    AnchorBolt().run()
