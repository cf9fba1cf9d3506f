"""A stand-in for vLLM, for the trainers' own code that imports it but never generates here.

Generation is replaced by canned responses in tests/interop; everything after generation is the
trainer's own code. Only the names OpenRLHF 0.11's rollout modules import exist.
"""

__version__ = "0.29.0"


class SamplingParams:
    def __init__(self, **kwargs):
        self.max_tokens = kwargs.pop("max_tokens", None)
        self.logprobs = kwargs.pop("logprobs", None)
        self.__dict__.update(kwargs)


class LLM:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("vllm stub: no generation in tests")
