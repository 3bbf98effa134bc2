"""Plotly figures speak the page's language: the zh-CN locale ships with the static files
and is loaded after plotly on Chinese pages only."""

from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

STATIC = Path(settings.BASE_DIR) / "static"


def _scripts(language: str) -> str:
    with translation.override(language):
        return Template('{% include "partials/plotly_script.html" %}').render(Context({}))


def test_chinese_pages_load_the_zh_cn_locale_after_plotly():
    scripts = _scripts("zh-hans")

    assert scripts.index("plotly/plotly.min.js") < scripts.index(
        "vendor/plotly/plotly-locale-zh-cn.js")


def test_english_pages_load_plotly_alone():
    assert "locale" not in _scripts("en")


def test_the_locale_registers_the_toolbar_words_and_the_drawing_code_uses_it():
    locale = (STATIC / "vendor/plotly/plotly-locale-zh-cn.js").read_text(encoding="utf-8")
    app = (STATIC / "js/app.js").read_text(encoding="utf-8")

    assert 'name:"zh-CN"' in locale
    assert "Plotly.register(locale)" in locale
    assert "locale: plotlyLocale()" in app
