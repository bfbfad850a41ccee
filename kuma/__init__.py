"""kuma: a self-hosted uptime monitor that speaks Uptime Kuma's API, on Trio."""

__version__ = "0.1.0"

#: The Uptime Kuma release whose wire contract kuma implements; reported to clients as `version`.
UPTIME_KUMA_VERSION = "2.5.3"
