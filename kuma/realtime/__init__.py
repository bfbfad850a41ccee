"""Engine.IO and Socket.IO on Trio: sans-io protocol cores, the session hub and the ASGI endpoint."""
