"""Notification providers and the notifier that calls them when monitors change state."""
