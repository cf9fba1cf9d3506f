"""vLLM stub (see the package docstring)."""


def TokensPrompt(**kwargs):
    return dict(kwargs)
