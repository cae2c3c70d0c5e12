"""Counts words and emits [word, count] after each one, like Storm's WordCount bolt.

The fields grouping on "word" sends every occurrence of a word to the same task, so the last
count emitted for a word is its total.
"""
from collections import Counter

from pystorm import Bolt


class CountWords(Bolt):
    def initialize(self, storm_conf, context):
        self.counts = Counter()

    def process(self, tup):
        word = tup.values[0]
        self.counts[word] += 1
        self.emit([word, self.counts[word]])


if __name__ == "__main__":
    CountWords().run()
