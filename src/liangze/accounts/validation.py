"""The one username validator: the model field, the account form, the API and any import that
issues accounts all use it (through accounts.services.user_create, or the field itself)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

USERNAME_PUNCTUATION = frozenset("._-")
# Letters of any script (a Chinese name is a fine username) and decimal digits; nothing else:
# no space, control or bidirectional character, emoji, symbol or markup.
_LETTER_OR_DIGIT = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"})


@deconstructible
class UsernameValidator:
    message = _("A username holds letters, digits and . _ - only.")
    code = "username_characters"

    def __call__(self, value) -> None:
        value = str(value)
        # Compatibility forms (full-width Ａ, ligatures) look like other usernames.
        if unicodedata.normalize("NFKC", value) != value:
            raise ValidationError(self.message, code=self.code)
        for character in value:
            if character in USERNAME_PUNCTUATION:
                continue
            if unicodedata.category(character) not in _LETTER_OR_DIGIT:
                raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, UsernameValidator)


validate_username = UsernameValidator()
