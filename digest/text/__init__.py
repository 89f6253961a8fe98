"""Text (pure), the floor under every stage: sentences and words.

``sentences`` splits text into verbatim sentences and words offline; ``words`` holds the stop
words and the stemmers. Nothing here imports another digest stage.
"""
