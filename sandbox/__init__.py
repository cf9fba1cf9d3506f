"""Runs untrusted code under bubblewrap. Knows nothing of rewards (see issue: code verifier)."""
