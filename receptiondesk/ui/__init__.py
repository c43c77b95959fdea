"""The Qt user interface. Only this package imports Qt; it calls the services."""

import sys


def _guard_bool_references() -> None:
    """Work around a reference-counting bug of PySide6 6.12.0 on Python 3.11.

    Each ``Signal.emit()`` called from Python drops one reference to ``True``; after
    a few thousand emits (a day of typing in search boxes) the interpreter aborts with
    "bool_dealloc". Python 3.12 and newer make ``True`` immortal, so only older
    interpreters need the reserve of references given here.
    """
    if sys.version_info >= (3, 12):
        return
    import ctypes

    for value in (True, False):
        ctypes.c_ssize_t.from_address(id(value)).value += 1 << 40


_guard_bool_references()
