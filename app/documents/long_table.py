"""A table of thousands of rows, laid out one page at a time from an iterator.

reportlab's ``Table`` splits a long table by measuring and copying every row it
has left, on every page: the cost grows with the square of the rows (10,000
register rows took 17 s, most of it there). :class:`PagedTable` takes rows from
an iterator only until the frame is full and hands reportlab one small
``Table`` per page, each with the header row, so the cost is linear and rows
already drawn are not kept. A row is never split across pages.

Cells are plain text wrapped to their column here (far cheaper than a
``Paragraph`` per cell); ``"\\n"`` starts a new line within a cell.
"""
import copy
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

FONT = "Helvetica"
BOLD = "Helvetica-Bold"


def _at_spaces(line, font, size, width):
    """``line`` wrapped at its spaces, as many words on each line as fit. Only
    at ordinary spaces: a non-breaking one holds "11.30 WIB" together
    (reportlab's simpleSplit breaks there too)."""
    lines, current = [], ""
    for word in line.split(" "):
        joined = f"{current} {word}" if current else word
        if current and stringWidth(joined, font, size) > width:
            lines.append(current)
            joined = word
        current = joined
    lines.append(current)
    return lines


@lru_cache(maxsize=2048)  # names, statuses and numbers recur from row to row
def wrap_text(text, font, size, width):
    """The lines of ``text`` within ``width`` points; a word wider than the
    column (a long letter number) is cut where it must be."""
    lines = []
    for line in str(text).split("\n"):
        if stringWidth(line, font, size) <= width:
            lines.append(line)
            continue
        for piece in _at_spaces(line, font, size, width):
            while len(piece) > 1 and stringWidth(piece, font, size) > width:
                cut = len(piece) - 1
                while cut > 1 and stringWidth(piece[:cut], font, size) > width:
                    cut -= 1
                # After a separator of the number if there is one.
                cut = max((piece.rfind(mark, 0, cut) + 1 for mark in "/-."), default=0) or cut
                lines.append(piece[:cut])
                piece = piece[cut:]
            lines.append(piece)
    return tuple(lines)


class PagedTable(Flowable):
    """``header`` (cell texts) over the rows of ``rows`` (lists of cell texts).

    ``widths`` are the columns' widths in points; ``align`` optionally maps a
    column index to "CENTER" or "RIGHT"; ``tail(count)`` returns the flowables
    that follow the last row (a total line, say). ``count`` is the number of
    rows laid out so far. ``font_size`` and ``leading`` change the text's size.
    """

    font_size = 8
    leading = 10
    padding = 3

    def __init__(self, header, rows, widths, align=None, tail=None, font_size=None,
                 leading=None):
        super().__init__()
        self.font_size = font_size or self.font_size
        self.leading = leading or self.leading
        self.widths = list(widths)
        self.count = 0
        self._rows = iter(rows)
        self._waiting = None  # a row taken from the iterator, not yet placed
        self._tail = tail
        self._header = self._cells(header, BOLD)
        self._style = TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, self.font_size, self.leading),
            ("FONT", (0, 0), (-1, 0), BOLD, self.font_size, self.leading),
            ("GRID", (0, 0), (-1, -1), 0.4, "black"),
            ("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            *[("ALIGN", (column, 1), (column, -1), how)
              for column, how in (align or {}).items()],
            *[(side, (0, 0), (-1, -1), self.padding)
              for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")],
        ])

    def _cells(self, texts, font=FONT):
        """Wrapped cell texts and the row's height."""
        lines = [wrap_text(text, font, self.font_size, width - 2 * self.padding)
                 for text, width in zip(texts, self.widths)]
        height = max(len(cell) for cell in lines) * self.leading + 2 * self.padding
        return ["\n".join(cell) for cell in lines], height

    def _next_row(self):
        if self._waiting is None:
            row = next(self._rows, None)
            self._waiting = None if row is None else self._cells(row)
        return self._waiting

    def wrap(self, available_width, available_height):
        # Always "too tall": the frame then asks split() for what fits.
        return sum(self.widths), available_height + 1

    def split(self, available_width, available_height):
        cells, height = [self._header[0]], self._header[1]
        while (row := self._next_row()) is not None:
            if height + row[1] > available_height:
                break
            cells.append(row[0])
            height += row[1]
            self._waiting = None
        if len(cells) == 1:
            return []  # not even one row fits here: the next frame
        self.count += len(cells) - 1
        page = Table(cells, colWidths=self.widths, repeatRows=1, splitInRow=0,
                     hAlign="LEFT")
        page.setStyle(self._style)
        if self._next_row() is not None:
            return [page, self._rest()]
        return [page, *(self._tail(self.count) if self._tail else [])]

    def _rest(self):
        """The rows left, as a new flowable: reportlab refuses a flowable it
        has postponed once (no room at a page's end) when it finds no room
        again, and this one reaches the end of every page."""
        rest = copy.copy(self)
        rest.__dict__.pop("_postponed", None)
        return rest

    def draw(self):  # pragma: no cover - split() always replaces it
        raise AssertionError("PagedTable is drawn through the tables split() returns")
