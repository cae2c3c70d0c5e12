"""A reliable pystorm spout: emits three words with ids "1".."3", then nothing.

It logs every activate, deactivate, ack and fail (so the host's log capture shows them); pystorm's
ReliableSpout replays a failed tuple (an emit while answering "fail").
"""
from pystorm import ReliableSpout

WORDS = ["apple", "pear", "fig"]


class WordSpout(ReliableSpout):
    def initialize(self, conf, context):
        self.n = 0

    def next_tuple(self):
        if self.n < len(WORDS):
            self.n += 1
            self.emit([WORDS[self.n - 1]], tup_id=str(self.n))

    def ack(self, tup_id):
        super(WordSpout, self).ack(tup_id)
        self.logger.info("acked %s", tup_id)

    def fail(self, tup_id):
        self.logger.warning("failed %s", tup_id)
        super(WordSpout, self).fail(tup_id)

    def activate(self):
        self.logger.info("activated")

    def deactivate(self):
        self.logger.info("deactivated")


if __name__ == "__main__":
    WordSpout().run()
