"""Platform recommender (S2.2.1): rank platforms for an audience and a product.

Pure: it takes plain platform profiles and returns a ranking, so the view, the
API and tests share one rule. Three factors, each 0–1:

- audience (S2.2.1 (1)): age bands, gender, interests and B2B/B2C fit;
- format (S2.2.1 (2)): how well video or image-text products do there;
- policy (S2.2.1 (3)): with paid promotion planned, how flexible ad policy is.

The total is the weighted mean of the factors; weights come from
``settings.RECOMMENDER_WEIGHTS`` (docs/platforms.md).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .interests import (
    MAX_INTEREST_CHARS,
    MAX_INTERESTS,
    interest_code,
    interest_label,
    split_interests,
)

AGE_BANDS = ("under-18", "18-24", "25-34", "35-44", "45-54", "55+")
GENDERS = ("any", "female", "male")
CONTENT_FORMATS = ("video", "image_text")
BUSINESS_KINDS = ("b2c", "b2b")

DEFAULT_WEIGHTS = {"audience": 0.5, "format": 0.3, "policy": 0.2}
# Inside the audience factor: how much each trait counts.
AUDIENCE_PARTS = {"age": 0.35, "gender": 0.1, "interests": 0.25, "business": 0.3}
# For a business (B2B) audience, whether the platform reaches business buyers
# at all matters most (S2.2.1: business people → LinkedIn), so it counts double.
AUDIENCE_PARTS_B2B = {"age": 0.2, "gender": 0.05, "interests": 0.15, "business": 0.6}
AD_FLEXIBILITY_SCORE = {"high": 1.0, "medium": 0.6, "low": 0.25}


@dataclass(frozen=True)
class PlatformProfile:
    code: str
    name: str
    audience_age: Mapping[str, float]
    female_share: float
    interest_tags: tuple[str, ...]
    business_fit: Mapping[str, float]
    format_fit: Mapping[str, float]
    ad_flexibility: str


@dataclass(frozen=True)
class Audience:
    age_bands: tuple[str, ...] = ()
    gender: str = "any"
    interests: tuple[str, ...] = ()
    content_format: str = "image_text"
    business: str = "b2c"
    paid_promotion: bool = False
    # (tag, the word the user typed for it): explanations quote the user's own words.
    interest_words: tuple[tuple[str, str], ...] = ()


@dataclass
class Ranking:
    platform: str
    name: str
    score: float
    factors: dict[str, float]
    explanation: str
    matched_interests: list[str] = field(default_factory=list)


def recommender_weights() -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    weights.update(getattr(settings, "RECOMMENDER_WEIGHTS", {}) or {})
    return weights


def validate_audience(data: Mapping) -> tuple[Audience | None, dict[str, list[str]]]:
    """Build an Audience from loose input; return field errors for unknown values."""
    errors: dict[str, list[str]] = {}
    bands = tuple(data.get("age_bands") or ())
    unknown = [band for band in bands if band not in AGE_BANDS]
    if unknown:
        errors["age_bands"] = [
            _("Unknown age band: %(bands)s. Use one of %(allowed)s.")
            % {"bands": ", ".join(map(str, unknown)), "allowed": ", ".join(AGE_BANDS)}
        ]
    gender = data.get("gender") or "any"
    if gender not in GENDERS:
        errors["gender"] = [_("Unknown gender: use any, female or male.")]
    content_format = data.get("content_format") or "image_text"
    if content_format not in CONTENT_FORMATS:
        errors["content_format"] = [_("Unknown content format: use video or image_text.")]
    business = data.get("business") or "b2c"
    if business not in BUSINESS_KINDS:
        errors["business"] = [_("Unknown business kind: use b2c or b2b.")]
    interests = data.get("interests") or ()
    if isinstance(interests, str):
        interests = split_interests(interests)
    typed = [str(tag).strip() for tag in interests if str(tag).strip()]
    too_long = [tag for tag in typed if len(tag) > MAX_INTEREST_CHARS]
    if len(typed) > MAX_INTERESTS:
        errors["interests"] = [
            _("Name at most %(max)s interests (there are %(count)s).")
            % {"max": MAX_INTERESTS, "count": len(typed)}
        ]
    elif too_long:
        errors["interests"] = [
            _("Keep each interest to %(max)s characters.") % {"max": MAX_INTEREST_CHARS}
        ]
    # What people type (美妆, Makeup) is read as the catalogue's tag (beauty).
    words: dict[str, str] = {}
    for tag in typed:
        words.setdefault(interest_code(tag), tag)
    interests = tuple(words)
    if errors:
        return None, errors
    return (
        Audience(
            age_bands=tuple(dict.fromkeys(bands)),
            gender=gender,
            interests=interests,
            content_format=content_format,
            business=business,
            paid_promotion=bool(data.get("paid_promotion")),
            interest_words=tuple(words.items()),
        ),
        {},
    )


def _age_share(profile: PlatformProfile, bands: Iterable[str]) -> float:
    return sum(float(profile.audience_age.get(band, 0)) for band in bands)


def _gender_score(profile: PlatformProfile, gender: str) -> float:
    if gender == "female":
        return profile.female_share
    if gender == "male":
        return 1 - profile.female_share
    return 1.0


def recommend(
    profiles: Iterable[PlatformProfile],
    audience: Audience,
    weights: Mapping[str, float] | None = None,
) -> list[Ranking]:
    """Every platform with its score and factors, best first (ties by input order)."""
    profiles = list(profiles)
    weights = dict(weights or recommender_weights())
    if not profiles:
        return []
    # Age and gender are relative: the platform with the largest share of the
    # chosen audience scores 1, the others in proportion.
    age_shares = {p.code: _age_share(p, audience.age_bands) for p in profiles}
    best_age = max(age_shares.values()) or 1.0
    gender_scores = {p.code: _gender_score(p, audience.gender) for p in profiles}
    best_gender = max(gender_scores.values()) or 1.0

    rankings = []
    for profile in profiles:
        parts = {
            "gender": gender_scores[profile.code] / best_gender,
            "business": float(profile.business_fit.get(audience.business, 0.5)),
        }
        if audience.age_bands:
            parts["age"] = age_shares[profile.code] / best_age
        matched = [tag for tag in audience.interests if tag in profile.interest_tags]
        if audience.interests:
            parts["interests"] = len(matched) / len(audience.interests)
        part_weights = AUDIENCE_PARTS_B2B if audience.business == "b2b" else AUDIENCE_PARTS
        part_weight = sum(part_weights[name] for name in parts)
        audience_score = sum(part_weights[name] * value for name, value in parts.items())
        audience_score /= part_weight
        format_score = float(profile.format_fit.get(audience.content_format, 0.5))
        if audience.paid_promotion:
            policy_score = AD_FLEXIBILITY_SCORE.get(profile.ad_flexibility, 0.5)
        else:
            policy_score = 1.0
        factors = {
            "audience": round(audience_score, 3),
            "format": round(format_score, 3),
            "policy": round(policy_score, 3),
        }
        total_weight = sum(weights.get(name, 0) for name in factors) or 1.0
        score = sum(weights.get(name, 0) * factors[name] for name in factors) / total_weight
        rankings.append(
            Ranking(
                platform=profile.code,
                name=profile.name,
                score=round(score, 3),
                factors=factors,
                explanation=_explain(profile, audience, factors, age_shares[profile.code], matched),
                matched_interests=matched,
            )
        )
    order = {p.code: i for i, p in enumerate(profiles)}
    rankings.sort(key=lambda r: (-r.score, order[r.platform]))
    return rankings


def _level(value: float) -> str:
    if value >= 0.8:
        return _("strong")
    if value >= 0.55:
        return _("fair")
    return _("weak")


def _explain(
    profile: PlatformProfile,
    audience: Audience,
    factors: dict[str, float],
    age_share: float,
    matched: list[str],
) -> str:
    """One sentence a marketer can read: why this platform sits where it does."""
    pieces = [
        _("%(platform)s: %(level)s audience fit") % {
            "platform": profile.name, "level": _level(factors["audience"]),
        }
    ]
    details = []
    if audience.age_bands:
        details.append(
            _("about %(share)d%% of its users are in the chosen age bands")
            % {"share": round(age_share * 100)}
        )
    if audience.interests:
        if matched:
            details.append(_("interests matched: %(tags)s") % {
                "tags": pgettext("list separator", ", ").join(
                    dict(audience.interest_words).get(tag) or interest_label(tag)
                    for tag in matched),
            })
        else:
            details.append(_("none of the interests match"))
    details.append(
        _("suits B2B marketing") if audience.business == "b2b" and factors["audience"] >= 0.8
        and profile.business_fit.get("b2b", 0) >= 0.8
        else _("%(kind)s fit %(value)d%%") % {
            "kind": audience.business.upper(),
            "value": round(float(profile.business_fit.get(audience.business, 0.5)) * 100),
        }
    )
    separator = pgettext("list separator", "; ")
    sentence = _("%(summary)s (%(details)s)") % {
        "summary": pieces[0], "details": separator.join(details),
    }
    format_label = _("video") if audience.content_format == "video" else _("image-text")
    sentence += _("; %(level)s fit for %(format)s content") % {
        "level": _level(factors["format"]), "format": format_label,
    }
    if audience.paid_promotion:
        sentence += _("; ad policy for paid promotion is %(level)s") % {
            "level": {
                "high": _("flexible"), "medium": _("moderate"), "low": _("restrictive"),
            }.get(profile.ad_flexibility, profile.ad_flexibility),
        }
    else:
        sentence += _("; no paid promotion planned, so ad policy does not weigh")
    return _("%(sentence)s.") % {"sentence": sentence}


def recommend_query(
    *,
    age_bands: Iterable[str] = (),
    gender: str = "any",
    interests: Iterable[str] = (),
    content_format: str = "",
    business: str = "",
    paid_promotion: bool | None = None,
) -> str:
    """The query string that opens ``platforms:recommend`` pre-filled (for campaign pages)."""
    from urllib.parse import urlencode

    params: list[tuple[str, str]] = [("age_bands", band) for band in age_bands]
    params.append(("gender", gender or "any"))
    tags = [str(tag).strip() for tag in interests if str(tag).strip()]
    if tags:
        params.append(("interests", ",".join(tags)))
    if content_format:
        params.append(("content_format", content_format))
    if business:
        params.append(("business", business))
    if paid_promotion is not None:
        params.append(("paid_promotion", "on" if paid_promotion else "false"))
    return urlencode(params)
