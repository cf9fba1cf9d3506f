"""The ``code`` verifier: run the completion's program against the item's tests in a sandbox."""
