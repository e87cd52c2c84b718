"""The intake service: reporters submit one combined case and follow it; intake keeps the
reporter's view of each case, built from events. Its HTTP API is ``views.py``; its web pages,
the reporter portal, are the ``portal`` package."""
