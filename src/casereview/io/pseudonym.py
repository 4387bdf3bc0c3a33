"""Pseudonymous patient keys for exports (SPEC 3).

patient_key = the first 16 hex characters of HMAC-SHA256(key, message), where
- key: the 32 bytes of the database secret. The setting 'secret' holds them as 64 hexadecimal
  characters (made with the database); the key is those characters hex-decoded, not the text.
- message: the normalised patient_ref encoded as UTF-8: an NHS number as its 10 digits with no
  spaces or dashes, a local hospital number in upper case (the form the store holds).

The same patient has the same key in every export from one database, and a different key in
another database; without the secret the key cannot be turned back into the reference.
"""

from __future__ import annotations

import hashlib
import hmac

from casereview.domain.values import parse_patient_ref
from casereview.storage.db import Database, get_setting

KEY_LENGTH = 16


class SecretMissing(RuntimeError):
    pass


def database_key(db: Database) -> bytes:
    secret = get_setting(db, "secret")
    try:
        key = bytes.fromhex(secret or "")
    except ValueError:
        key = b""
    if len(key) < 16:
        raise SecretMissing("this database has no usable secret, so patient keys cannot be "
                            "made; nothing was exported")
    return key


def normalise_ref(patient_ref: str) -> str:
    try:
        return parse_patient_ref(patient_ref)
    except ValueError:
        return patient_ref.strip().upper()  # stored before a rule changed: keyed as stored


def patient_key(key: bytes, patient_ref: str | None) -> str | None:
    if patient_ref is None or not str(patient_ref).strip():
        return None
    message = normalise_ref(str(patient_ref)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:KEY_LENGTH]
