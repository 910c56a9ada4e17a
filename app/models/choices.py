"""Coded values stored in the database, each with its translatable label."""
import sqlalchemy as sa


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

    @classmethod
    def labels(cls):
        """{code: label} in the current language, translated once for a page
        that shows many rows."""
        return {code: str(label) for code, label in cls.LABELS}

    @classmethod
    def sort_key(cls, column):
        """An SQL expression ordering ``column`` as LABELS lists the codes
        (for a status: the SOP's order), not by the codes' spelling."""
        return sa.case({code: rank for rank, code in enumerate(cls.codes())},
                       value=column, else_=len(cls.LABELS))
