"""The names the LaTeX parser knows: relations, functions, constants, Greek letters."""

from __future__ import annotations

import sympy as sp

RELATIONS = {
    "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=",
    "lt": "<", "gt": ">", "ne": "!=", "neq": "!=",
}  # fmt: skip
FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
    "tanh": sp.tanh, "ln": sp.log, "exp": sp.exp, "log": sp.log,
}  # fmt: skip
CONSTANTS = {"pi": sp.pi, "infty": sp.oo, "infinity": sp.oo, "inf": sp.oo}
GREEK = frozenset(
    [
        "alpha", "beta", "chi", "delta", "epsilon", "eta", "gamma", "iota", "kappa", "lambda", "mu",
        "nu", "omega", "phi", "psi", "rho", "sigma", "tau", "theta", "upsilon", "varepsilon",
        "varphi", "vartheta", "xi", "zeta", "Delta", "Gamma", "Lambda", "Omega", "Phi", "Psi",
        "Sigma", "Theta", "Xi", "Pi",
    ]
)  # fmt: skip
