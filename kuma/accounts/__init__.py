"""Accounts and security: passwords, JWT, TOTP, API keys, rate limits, the need-setup state."""
