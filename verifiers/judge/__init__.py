"""Model-based verifiers: an LLM judge (``judge``) and a scalar reward model (``reward_model``).

They call HTTP servers (OpenAI-compatible chat completions; vLLM or TEI scoring endpoints) with
httpx only: nothing here imports torch or transformers.
"""
