"""The base of every pydantic model auditor reads or writes: unknown fields are refused.

`Strict` for results, which a run fills in as it goes; `Frozen` for what is loaded once and only
read (flows, checklists, accounts files, the replica's data).
"""

from pydantic import BaseModel, ConfigDict

Value = str | int | bool | None  # a setting's canonical value (public, only_me, on, 3, offered ...); None: not seen


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
