"""Appends "!!!" to the word it receives: the bolt of Storm's exclamation topology, in pystorm.

The emit is anchored to the input, and the input is acked once process() returns.
"""
from pystorm import Bolt


class ExclamationBolt(Bolt):
    def process(self, tup):
        self.emit([tup.values[0] + "!!!"])


if __name__ == "__main__":
    ExclamationBolt().run()
