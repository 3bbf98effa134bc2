"""The engine's exemption semantics and literal prefilter, on a tiny rule set (S3.1.1)."""


def _tiny():
    from compliance.advertising.checker.engine import CompiledRules, RuleSpec, TermSpec

    def rule(code, category):
        return RuleSpec(code, category, "block", "", "", "", "")

    rules = [rule("AB-01", "absolute"), rule("AB-03", "absolute"), rule("AB-05", "absolute"),
             rule("MD-01", "medical")]
    terms = [
        TermSpec("AB-01", "最好"), TermSpec("AB-03", "第一"), TermSpec("MD-01", "降血压"),
        TermSpec("AB-03", "(?:19|20)\\d\\d年\\S{0,6}?(?P<hit>第一)", "exempt_regex", "dated"),
        TermSpec("AB-05", "测试\\S*", "exempt_regex", "global"),
    ]
    return CompiledRules(rules, terms)


def test_an_exemption_clears_its_own_rule_and_only_its_hit_span():
    result = _tiny().check("2024年第一降血压")  # AB-03's exemption covers all, clears only 第一
    assert [(f.rule, f.match) for f in result.findings] == [("MD-01", "降血压")]
    assert [(e.rule, e.match) for e in result.exemptions] == [("AB-03", "第一")]


def test_an_exemption_only_rule_clears_its_category_only():
    result = _tiny().check("测试最好第一降血压")
    assert [(f.rule, f.match) for f in result.findings] == [("MD-01", "降血压")]


def test_required_literals_look_inside_groups_and_alternations():
    import re

    from compliance.advertising.checker.engine import _required_literals

    assert set(_required_literals(re.compile("(?P<hit>最好|最佳)的"))) == {"最", "的"}
    assert set(_required_literals(re.compile("(?:ab)+c?"))) == {"a", "b"}
    assert _required_literals(re.compile("(?:ab)*|x")) == ""
    assert _required_literals(re.compile("(?=关注)x?")) == ""
