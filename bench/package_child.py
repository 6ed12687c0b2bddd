"""One cold build in a fresh interpreter, for the packaging benchmark's timing and memory.

``python -m bench.package_child TREE CACHE`` prints the seconds ``Package.from_directory``
took; ``python -m bench.package_child --baseline`` only imports the library, so its peak RSS
is the interpreter's baseline.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    """Build ``argv[0]`` into the cache folder ``argv[1]``, or just import (``--baseline``)."""
    from vmss_components.packaging import Package

    if argv[:1] == ["--baseline"]:
        print(json.dumps({"seconds": 0.0}))
        return 0
    tree, cache = argv
    os.environ["VMSS_COMPONENTS_CACHE_DIR"] = cache
    start = time.perf_counter()
    package = Package.from_directory(tree, name="bench")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "sha256": package.sha256, "path": str(package.path)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
