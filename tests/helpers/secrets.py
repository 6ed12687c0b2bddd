"""Secrets the tests hand to the library: no message, public setting or output may repeat one."""

from __future__ import annotations

#: A secret the cases hand to the library; no message may ever repeat it.
CANARY = "Canary-S3cret-Pa55!"
#: A SAS signature the cases hand to the library; no message may ever repeat it.
CANARY_SIGNATURE = "Q2FuYXJ5U2lnbmF0dXJlVmFsdWU"
CANARY_SAS = f"?sv=2022-11-02&sr=b&sp=r&sig={CANARY_SIGNATURE}%3D"
CANARY_ACCOUNT_KEY = "AccountKey=Q2FuYXJ5QWNjb3VudEtleQ=="
#: Everything of the above that must never reach an error message.
CANARIES = (CANARY, CANARY_SIGNATURE, "Q2FuYXJ5QWNjb3VudEtleQ")
