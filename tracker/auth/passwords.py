"""The password policy: long enough, not too long, and not easy to guess.

Guessability is judged by zxcvbn, a maintained strength estimator that knows the common
passwords, words, names, keyboard patterns, dates and l33t spellings; the person's own email
and name count as words an attacker knows. Every path that sets a password (the command line,
the administration page, the users API and the person's own password page) goes through
`password_problem`, so the rule is written once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# zxcvbn's matching grows faster than linearly with the length, so it reads this much of a
# password at most: a guessable start is guessable whatever follows, and the work per check
# stays bounded.
JUDGED_LENGTH = 72
MIN_SCORE = 3  # zxcvbn's "safely unguessable": about 10^8 guesses or more

# What zxcvbn 4.5 says, in its own English words; listed so that the catalog translates them.
FEEDBACK = (
    _l("Use a few words, avoid common phrases."),
    _l("No need for symbols, digits, or uppercase letters."),
    _l("Add another word or two. Uncommon words are better."),
    _l("Straight rows of keys are easy to guess."),
    _l("Short keyboard patterns are easy to guess."),
    _l("Use a longer keyboard pattern with more turns."),
    _l('Repeats like "aaa" are easy to guess.'),
    _l('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    _l("Avoid repeated words and characters."),
    _l('Sequences like "abc" or "6543" are easy to guess.'),
    _l("Avoid sequences."),
    _l("Recent years are easy to guess."),
    _l("Avoid recent years."),
    _l("Avoid years that are associated with you."),
    _l("Dates are often easy to guess."),
    _l("Avoid dates and years that are associated with you."),
    _l("This is a top-10 common password."),
    _l("This is a top-100 common password."),
    _l("This is a very common password."),
    _l("This is similar to a commonly used password."),
    _l("A word by itself is easy to guess."),
    _l("Names and surnames by themselves are easy to guess."),
    _l("Common names and surnames are easy to guess."),
    _l("Capitalization doesn't help very much."),
    _l("All-uppercase is almost as easy to guess as all-lowercase."),
    _l("Reversed words aren't much harder to guess."),
    _l("Predictable substitutions like '@' instead of 'a' don't help very much."),
)


def personal_words(email: str | None, display_name: str | None) -> list[str]:
    """The words of a person's email and name, which an attacker would try first."""
    words = [value for value in (email, display_name) if value]
    for value in list(words):
        words.extend(part for part in re.split(r"[\W_]+", value.lower()) if len(part) >= 3)
    return words


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Say, in the reader's language, why a password may not be used, or return None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=list(user_inputs), max_length=JUDGED_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    advice = [text for text in (feedback["warning"], *feedback["suggestions"]) if text]
    if not advice:
        advice = ["Add another word or two. Uncommon words are better."]
    return " ".join([_("This password is too easy to guess."), *(_(text) for text in advice)])
