"""Content checker (spec S3.1.1, S3.1.2): ``check_text`` and its result types."""

from .engine import CheckResult, CompiledRules, Exemption, Finding, RuleSpec, TermSpec
from .runtime import check_text, compiled_rules, invalidate

__all__ = [
    "CheckResult", "CompiledRules", "Exemption", "Finding", "RuleSpec", "TermSpec",
    "check_text", "compiled_rules", "invalidate",
]
