"""The engine's scan shortcuts find exactly what the plain scan finds (S3.1.1).

The automaton scans a copy of the text in which characters no term uses are one
placeholder, and jieba's dictionary walk is skipped where the two characters
around an offset sit together in no dictionary word. Both must be invisible in
the findings.
"""

import ahocorasick


def _rule(code, category="absolute"):
    from compliance.advertising.checker.engine import RuleSpec

    return RuleSpec(code, category, "block", "", "", "", "")


def _plain_hits(words, text):
    """(start, word) of every occurrence, from an automaton without the shortcuts."""
    plain = ahocorasick.Automaton()
    for word in words:
        plain.add_word(word, word)
    plain.make_automaton()
    return sorted((end + 1 - len(word), word) for end, word in plain.iter(text))


def test_terms_are_found_among_characters_the_scan_replaces():
    from compliance.advertising.checker.engine import CompiledRules, TermSpec

    words = ["最好", "好用", "第一", "降血压"]
    rules = CompiledRules([_rule("AB-01"), _rule("MD-01", "medical")],
                          [TermSpec("AB-01", w) for w in words[:3]] + [TermSpec("MD-01", words[3])])
    assert rules._scan_table is not None
    # Control characters (the placeholder and the never-scanned one among them),
    # an emoji past the Basic Multilingual Plane and words no term uses.
    text = "\x01最好\x02用 🎉第一\x01\x02今天，降血压\x03第一"
    expected = [(1, "最好"), (7, "第一"), (14, "降血压"), (18, "第一")]
    assert _plain_hits(words, text) == expected
    found = [(f.start, f.match) for f in rules.check(text).findings]
    assert found == expected


def test_a_term_past_the_basic_plane_is_scanned_without_the_placeholder():
    from compliance.advertising.checker.engine import CompiledRules, TermSpec

    rules = CompiledRules([_rule("PL-01", "platform")], [TermSpec("PL-01", "👉下单")])
    assert rules._scan_table is None
    result = rules.check("点这里👉下单，马上到")
    assert [(f.start, f.end, f.match) for f in result.findings] == [(3, 6, "👉下单")]


def test_the_scan_reports_the_same_hits_as_a_plain_automaton_on_the_shipped_rules():
    from compliance.advertising import evaluation
    from compliance.advertising.checker.engine import squeeze
    from compliance.advertising.checker.shipped import compile_shipped

    rules = compile_shipped()
    plain = ahocorasick.Automaton()
    for key, value in rules.automaton.items():
        if value is not None:  # the scan's own never-matching strings
            plain.add_word(key, value)
    plain.make_automaton()
    lines = evaluation.load_corpus(evaluation.CORPUS_DIR / "dev.jsonl")
    assert len(lines) > 300
    for line in lines:
        lowered = squeeze(line.text)[0].lower()
        scanned = lowered.translate(rules._scan_table)
        assert list(rules.automaton.iter(scanned)) == list(plain.iter(lowered)), line.id


def _walk_crosses(text, pos, reach=8):
    """crosses_word without its pair shortcut: the dictionary walk at every start."""
    from compliance.advertising.checker import segment

    freq = segment.tokenizer().FREQ
    for i in range(max(0, pos - reach), pos):
        j = pos + 1
        while j <= len(text) and text[i:j] in freq:
            if freq[text[i:j]]:
                return True
            j += 1
    return False


def test_the_pair_shortcut_agrees_with_the_dictionary_walk():
    from compliance.advertising.checker import segment

    text = "这款面霜是全网最好用的保湿精华，第一次用就爱上了，国家图书馆旁边的面包店每天下午三点出炉。"
    answers = [segment.crosses_word(text, pos) for pos in range(1, len(text))]
    assert answers == [_walk_crosses(text, pos) for pos in range(1, len(text))]
    assert True in answers
    assert False in answers
    assert segment.crosses_word(text, text.index("书馆") + 1) is True  # 图书馆
    assert segment.crosses_word(text, text.index("，第一")) is False


def test_a_word_taught_after_the_pairs_were_read_still_crosses():
    from compliance.advertising.checker import segment

    invented = "嫑嫑巭"  # a pair no dictionary word holds
    segment.crosses_word("预热", 1)  # the pair set exists from here on
    assert "嫑巭" not in segment._word_pairs()
    taught_before = set(segment._taught)
    try:
        segment.teach_words([*taught_before, invented])
        assert segment.crosses_word(f"买{invented}啊", 3) is True
        assert _walk_crosses(f"买{invented}啊", 3) is True
    finally:
        segment.teach_words(taught_before)  # the other rule sets' words stay taught
    assert segment.crosses_word(f"买{invented}啊", 3) is False
