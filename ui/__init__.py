"""MedAssist's Qt front end (PySide6). It imports the engine (``medassist``); the engine never imports it.

Model and database work never runs on the GUI thread: it goes to worker threads that report back by signals.
"""
