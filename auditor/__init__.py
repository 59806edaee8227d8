"""auditor: a read-only auditor of your own Facebook and Instagram privacy settings."""

__version__ = "0.1.0"
