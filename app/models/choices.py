"""Coded values stored in the database, each with its translatable label."""

class Choices:
    """A fixed set of codes; subclasses list ``(code, label)`` in LABELS."""

    LABELS = ()

    @classmethod
    def codes(cls):
        return [code for code, _label in cls.LABELS]

    @classmethod
    def choices(cls):
        return list(cls.LABELS)

    @classmethod
    def label(cls, code):
        return dict(cls.LABELS).get(code, code)

