"""Who may reach what, and how much: webhook targets (SSRF), the client's address and rate
limits (client_address.py, throttling.py, shared_cache.py), sign-in and reset limits
(sign_in.py), private feed tokens (feed_tokens.py), log filters and the deployment checks.
"""
