"""Shaping rewards used by open-r1, TRL, DAPO and Kimi 1.5, each a verifier with params."""
