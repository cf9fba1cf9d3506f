"""Every knob of the GRPO trainer, with the defaults of the papers it follows."""

from __future__ import annotations

from dataclasses import dataclass, field

from verireward.policy_client.grpo_math import LossType, ScaleRewards


@dataclass
class GRPOConfig:
    # sampling
    group_size: int = 8  # G completions per prompt
    prompts_per_step: int = 4  # B prompts per batch
    max_new_tokens: int = 256
    temperature: float = 1.0
    top_p: float = 1.0
    # overlap: score each chunk of prompts' groups while the next chunk is sampled; off: one
    # generate call for the whole batch, then one scoring request
    overlap_scoring: bool = True
    prompts_per_generate: int = 1  # prompts per generate call when overlapping
    # reward and advantages
    scale_rewards: ScaleRewards = "group"  # group | batch | none (Dr. GRPO)
    reward_spec: dict | None = None  # {"weights": ..., "params": ...} sent to /score
    # policy loss
    epsilon: float = 0.2
    epsilon_high: float | None = None  # DAPO clip-higher; None = epsilon
    beta: float = 0.001  # KL to the reference model (R1: 0.001); 0 skips the reference model
    loss_type: LossType = "grpo"  # grpo | dr_grpo | dapo
    num_iterations: int = 1  # policy updates per batch (old log-probs kept)
    # optimisation
    learning_rate: float = 1e-6
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    micro_batch_size: int = 8  # completions per forward/backward (gradient accumulation)
    steps: int = 100
    # precision and memory (GPU only; CPU runs fp32)
    bf16: bool = True
    gradient_checkpointing: bool = True
    # prompts
    use_chat_template: bool = False  # False: the R1-Zero template
    # bookkeeping
    output_dir: str = "grpo-out"
    save_every: int = 50
    seed: int = 0
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.group_size < 2:
            raise ValueError("group_size must be >= 2: advantages are relative to the group")
        if self.prompts_per_generate < 1:
            raise ValueError("prompts_per_generate must be >= 1")
        if self.beta < 0 or self.epsilon <= 0 or self.num_iterations < 1:
            raise ValueError("beta >= 0, epsilon > 0, num_iterations >= 1")
