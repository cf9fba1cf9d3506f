"""The public JSON contract of ``POST /score`` (field names are fixed; extend, never rename)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from verireward.verifiers import Item


class ScoreItem(BaseModel):
    """One completion. Unknown fields are kept and handed to verifiers (``group``...)."""

    model_config = ConfigDict(extra="allow")

    # ids are echoed; orjson writes integers up to 64 bits, so larger ones are refused here
    id: str | Annotated[int, Field(ge=-(2**63), le=2**64 - 1)] | None = None
    prompt: str | None = None
    completion: str
    # Typed for the schema as it is accepted: a JSON number is read as its text (GSM8K's 72).
    answer: Annotated[
        str | None,
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
    ] = Field(None, description="reference final answer (math): text, or a JSON number")
    tests: Any = Field(None, description="test cases (code)")
    language: str | None = Field(None, description="ISO 639-1 target language of the reasoning")
    label: Any = Field(
        None,
        description="raw dataset label (answer, solution text, tests, JSON...), read by the"
        " service into answer or tests when neither is given",
    )

    @field_validator("answer", mode="before")
    @classmethod
    def _numbers_are_answers(cls, value: Any) -> Any:
        # Datasets often store numeric answers as JSON numbers (GSM8K's 72).
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    def to_item(self) -> Item:
        # Positional and through __pydantic_extra__: this runs once per item of every batch.
        return Item(
            self.completion,
            self.id,
            self.prompt,
            self.answer,
            self.tests,
            self.language,
            self.__pydantic_extra__ or {},
        )


class RewardSpecIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] | None = Field(
        None, description="verifier -> weight (>= 0); absent: the documented defaults"
    )
    params: dict[str, dict[str, Any]] | None = Field(None, description="verifier -> params")


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ScoreItem]
    reward: RewardSpecIn | None = None


class ErrorOut(BaseModel):
    code: str
    message: str


class ScoreResult(BaseModel):
    id: str | int | None
    reward: float | None = Field(description="weighted sum of scores; null: mask this item")
    scores: dict[str, float]
    error: ErrorOut | None
    details: dict[str, Any] | None = None


class ScoreResponse(BaseModel):
    results: list[ScoreResult]
