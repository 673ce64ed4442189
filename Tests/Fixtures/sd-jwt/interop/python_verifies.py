"""Verify SD-JWT(+KB) presentations with the IETF reference implementation.

Reads a JSON request on stdin:
  {"items": [{"presentation": str, "issuer_jwk": {...}, "audience": str|null, "nonce": str|null}]}
Answers on stdout, one entry per item:
  {"results": [{"ok": true, "payload": {...}} | {"ok": false, "error": str}]}
"""
import json
import sys

from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier


def verify(item):
    issuer_key = JWK.from_json(json.dumps(item["issuer_jwk"]))
    try:
        verifier = SDJWTVerifier(
            item["presentation"],
            lambda issuer, header: issuer_key,
            item.get("audience"),
            item.get("nonce"),
        )
        return {"ok": True, "payload": verifier.get_verified_payload()}
    except Exception as error:  # the library raises ValueError and jwcrypto errors alike
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


request = json.load(sys.stdin)
print(json.dumps({"results": [verify(item) for item in request["items"]]}))
