"""Monitor types: one module per type, found through `kuma.monitors.base.get_monitor_type`."""
