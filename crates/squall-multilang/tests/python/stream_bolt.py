"""A pystorm bolt using named and direct streams and task ids.

For each word: emit [word] on stream "lengths" asking for the task ids (need_task_ids=True, so the
child blocks until the host answers), emit [word, <those task ids>] on "default", and emit [word]
directly to task 7 on the direct stream "direct". Then auto-ack.
"""
from pystorm import Bolt


class StreamBolt(Bolt):
    def process(self, tup):
        word = tup.values[0]
        tasks = self.emit([word], stream="lengths", need_task_ids=True)
        self.emit([word, tasks])
        self.emit([word], stream="direct", direct_task=7)


if __name__ == "__main__":
    StreamBolt().run()
