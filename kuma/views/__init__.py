"""The read side: each function reads through `kuma.store` (one reader job) and hands the rows to the pure
`kuma.shapes`. Handlers, routes and services import their payload builders from here."""
