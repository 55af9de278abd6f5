"""Normalising: the words pages use turned into values — dates (``dates``, ``moments``), clock times
(``times``), places (``places``), statuses and booking (``status``), titles (``titles``), links
(``urls``), and the word lists these read with (``calendar_words`` from CLDR, ``word_classes``).

Pure functions of text, knowing nothing of pages, sources, storage or feeds: the extractors call them,
and publishers use them to say the same things back. Imports nothing of ``events``.
"""
