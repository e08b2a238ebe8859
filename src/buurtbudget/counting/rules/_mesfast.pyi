from typing import Any

def run(
    ptr: Any,
    grp: Any,
    weights: Any,
    n_groups: int,
    cost: Any,
    tw: Any,
    eligible: Any,
    ranks: Any,
    b: float,
    thresholds: Any,
    order: Any,
    afford: Any,
    afford_err: Any,
    exact_w: Any,
    cutoff: Any,
    others_ptr: Any,
    others_p: Any,
    others_low: Any,
    others_w: Any,
    /,
) -> int: ...
