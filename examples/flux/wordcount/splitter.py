"""Splits each sentence into lower-case words, without surrounding punctuation.

A pystorm bolt, like Storm's splitsentence.py: every word is emitted anchored to its sentence,
and the sentence is acked once process() returns.
"""
from pystorm import Bolt

PUNCTUATION = ".,;:!?\"'()"


class SplitSentence(Bolt):
    def process(self, tup):
        for word in tup.values[0].lower().split():
            word = word.strip(PUNCTUATION)
            if word:
                self.emit([word])


if __name__ == "__main__":
    SplitSentence().run()
