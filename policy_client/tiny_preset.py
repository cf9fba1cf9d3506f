"""A model small enough to train from scratch on a laptop CPU, and a tokenizer built in code.

Nothing is downloaded: the tokenizer's vocabulary is the R1 template's words, digits, operators,
punctuation, the four R1 tags and any words of the texts it is given; the model is a randomly
initialised Llama. ``verireward-train grpo|sft --model tiny`` and the ``tiny-arith`` pipeline
use it.

Words carry their leading space (`` conversation``) and digits are single tokens, so the
decoded text is exactly the concatenation of the tokens (no spaces invented between digits),
and a number is written digit by digit, which a tiny model can learn to add.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from verireward.policy_client.prompts import R1_ZERO_TEMPLATE

TAGS = ("<think>", "</think>", "<answer>", "</answer>")
SPECIALS = ("<pad>", "<unk>", "<s>", "</s>")
# One pre-token: a tag, a word with its optional leading space, one digit, one other character.
PIECE = r"</?(?:think|answer)>| ?[A-Za-z]+|\d|\s|[^\sA-Za-z\d]"
_PIECE = re.compile(PIECE)
# Sizes of the preset: ~0.2 M parameters, a few ms per forward on one CPU core.
TINY_CONFIG = {
    "hidden_size": 96,
    "intermediate_size": 256,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "max_position_embeddings": 512,
}


def vocabulary(texts: Iterable[str] = ()) -> list[str]:
    """Specials, tags, printable characters, then every word of the template and ``texts``."""
    words: dict[str, None] = {}
    for text in (R1_ZERO_TEMPLATE.replace("{prompt}", ""), *texts):
        for piece in _PIECE.findall(text):
            if len(piece) > 1 and piece not in TAGS:
                words[piece] = None
                words[piece.strip()] = None  # the same word at the start of a line
    characters = [c for c in string.printable if c not in "\x0b\x0c"]
    ordered = [*SPECIALS, *TAGS, *characters, *words]
    return list(dict.fromkeys(ordered))


def tiny_tokenizer(texts: Iterable[str] = ()) -> Any:
    """A word/digit-level fast tokenizer (saves and reloads with ``AutoTokenizer``)."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = vocabulary(texts)
    backend = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(PIECE), behavior="isolated")
    backend.decoder = decoders.Fuse()  # tokens hold their own spaces
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="<pad>",
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
    )


def tiny_model(tokenizer: Any, seed: int = 0, **overrides: Any) -> Any:
    """A randomly initialised Llama sized by ``TINY_CONFIG`` (``overrides`` change any field)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id,
        tie_word_embeddings=True,
        **{**TINY_CONFIG, **overrides},
    )
    return LlamaForCausalLM(config)
