"""For the user-data tests: a published artifact's values, a MIME archive around a cloud-config,
and a cloud-config of an exact size."""

from __future__ import annotations

import textwrap

from vmss_components.userdata import ArtifactValues

SITE_SHA = "c2ab7848498680b2c42c6a333773aa35f5348529ef7a0d3a77dfc41918bd720f"
SITE_URL = (
    "https://artifactsab12cd34.blob.core.windows.net/artifacts/web-cloud-init-site/"
    "c2ab784849868000/site.zip?sv=2022-11-02&se=2027-05-22T00%3A00%3A00Z&sr=b&sp=r&spr=https"
    "&sig=abcDEF%2Bghi%2FjklMNOpqrSTUvwxYZ0123456789abcd%3D"
)
SITE = {"site": ArtifactValues(url=SITE_URL, sha256=SITE_SHA)}


def mime_archive(cloud_config: str) -> str:
    """A MIME multipart archive: the cloud-config as one part, a shell script as another."""
    return textwrap.dedent(
        """\
        Content-Type: multipart/mixed; boundary="===part==="
        MIME-Version: 1.0

        --===part===
        Content-Type: text/cloud-config; charset="us-ascii"
        MIME-Version: 1.0
        Content-Transfer-Encoding: 7bit

        #cloud-config
        {cloud_config}
        --===part===
        Content-Type: text/x-shellscript; charset="us-ascii"
        MIME-Version: 1.0

        #!/bin/sh
        echo done
        --===part===--
        """
    ).format(cloud_config=cloud_config.rstrip("\n"))


def big_cloud_config(size: int) -> str:
    """A compressible cloud-config of exactly ``size`` bytes."""
    head = "#cloud-config\nwrite_files:\n  - path: /etc/big\n    content: |\n"
    line = "      " + "the same line again and again\n"
    body = head + line * ((size - len(head)) // len(line) + 1)
    text = body[: size - 1] + "\n"
    assert len(text.encode()) == size
    return text
