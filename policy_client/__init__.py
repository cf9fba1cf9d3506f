"""Trainer-side client of the verireward HTTP contract.

Imports nothing from service/ or verifiers/: it speaks only HTTP, like any trainer.
"""
