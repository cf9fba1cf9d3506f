"""A tiny random Llama and a word-level tokenizer built in the test (nothing downloaded)."""

from __future__ import annotations

from typing import Any

from verireward.policy_client.prompts import R1_ZERO_TEMPLATE

TAGS = ["<think>", "</think>", "<answer>", "</answer>"]
WORDS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "plus", "is", "so"]


def tiny_tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    template_words = R1_ZERO_TEMPLATE.replace("{prompt}.", "").split()
    vocabulary = ["<pad>", "<unk>", "<s>", "</s>", *TAGS, *WORDS]
    vocabulary += [w for w in dict.fromkeys(template_words) if w not in vocabulary]
    model = models.WordLevel({w: i for i, w in enumerate(vocabulary)}, unk_token="<unk>")
    backend = Tokenizer(model)
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    backend.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="<pad>",
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
    )


def tiny_model(tokenizer: Any, seed: int = 0) -> Any:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id,
    )
    return LlamaForCausalLM(config)
