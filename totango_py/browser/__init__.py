"""The browser bridge: the only part of totango_py that touches ``js``.

``bridge.ports()`` gives the core its storage, tracker, logger and page
context; ``tag`` connects the JavaScript ``window.analytics`` queue.
"""
