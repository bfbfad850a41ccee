"""The operations behind the Socket.IO handlers (and the REST API to come), one module per area.

Plain async functions over the App: they validate, write through `kuma.store`, tell the engine
(`app.monitoring`) and `app.maintenance`, and raise `DomainError` when they refuse. They know no sockets:
what a client is sent afterwards is the caller's business (monitor changes are announced through the
`MonitorChanges` port, so the caller decides where they go and they stay in Uptime Kuma's order).
Import the area modules themselves (`from kuma.domain import monitors`); this package imports nothing.
"""
