"""Placeholder, filled below."""
MAPPERS: dict = {}
def bridged_provider_class(key):
    raise NotImplementedError
