"""The monitor engine: beat rules (`beat`), task supervision (`supervisor`), the service the rest of kuma
calls (`service.MonitoringService`), uptime maths (`uptime`) and data retention (`retention`)."""
