"""The ``language`` verifier (R1's language-consistency reward) and its parts:

- ``codes``: target names, codes and BCP-47 tags -> one code;
- ``scripts``: a character's script, and the languages that share each script;
- ``tokens``: sentences of countable words, code and math dropped;
- ``detect``: lingua-py per script group (plus Nepali markers);
- ``attribute``: words -> languages (short runs inherit their context);
- ``verifier``: the verifier and its params.
"""

from verireward.verifiers.language.attribute import count_languages
from verireward.verifiers.language.verifier import LanguageParams, LanguageVerifier

__all__ = ["LanguageParams", "LanguageVerifier", "count_languages"]
