"""A pystorm bolt that fails inputs starting with "bad" and acks the others, by hand."""
from pystorm import Bolt


class FailBolt(Bolt):
    auto_ack = False

    def process(self, tup):
        if tup.values[0].startswith("bad"):
            self.fail(tup)
        else:
            self.ack(tup)


if __name__ == "__main__":
    FailBolt().run()
