"""The monitor engine: beat rules (`beat`), task supervision (`supervisor`), the engine the rest of kuma
calls (`service.MonitoringService`, at `app.monitoring`), running one check (`checking`), the read model
over the stat tables (`readings.Readings`, at `app.readings`), cached settings (`settings_cache`), uptime
maths (`uptime`) and data retention (`retention`)."""
