"""REST routes, one module per area; each has `register(web, app)`."""
