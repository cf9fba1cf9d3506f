"""The ``math`` verifier: final-answer extraction, a parser that never executes input, and
equivalence rules that say which of them decided."""
