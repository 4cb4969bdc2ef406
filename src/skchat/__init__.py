"""SK Chat: a self-hostable customer-conversation platform."""

__version__ = "0.1.0"
