"""The browser side: the dashboard SPA (static files) and server-rendered public status pages."""
