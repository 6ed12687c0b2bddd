"""Opening a package's source file only while it is a regular file. Pure.

The files a package is made of were checked to be regular files when the tree was walked (or
the zip was given); should one be replaced by a FIFO before it is read, opening it without
``O_NONBLOCK`` would wait for a writer forever, in a worker thread where no signal reaches
it. :func:`open_regular` refuses it instead.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is (still) a regular file.

    The trees and files a package is made of were checked to be regular files; should one be
    replaced by a FIFO before it is read, opening it without ``O_NONBLOCK`` would wait for a
    writer forever (in a worker thread, where no signal reaches it). It is refused instead.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return handle
