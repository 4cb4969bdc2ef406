"""`skchat eval`: measure the agent through the real API on labelled files (nlu-dev / conversations-dev format).

`data` reads and checks the files, `runner` drives the API (one conversation per message, or one per
script), `metrics` scores what came back (pure functions), `report` prints it and writes JSON, `local`
starts the service in-process when no server is given, and `command` ties them together.
"""
