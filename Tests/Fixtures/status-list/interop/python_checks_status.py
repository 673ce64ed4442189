"""Check a Pavilion SD-JWT VC and its Token Status List with independent code.

The SD-JWT VC is verified by the IETF reference implementation (sd-jwt), the
Status List Token by jwcrypto; the list is decoded here from the draft's
text (base64url, zlib, 2 bits per status, index 0 in the low bits).

Reads on stdin:
  {"credential": str, "issuer_jwks": {"keys": [...]}, "status_list_jwt": str}
Answers on stdout:
  {"ok": true, "idx": int, "uri": str, "status": int, "ttl": int, "dp_consulted_at": str}
  or {"ok": false, "error": str}
"""
import base64
import json
import sys
import zlib

from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS
from sd_jwt.verifier import SDJWTVerifier


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_for(jwks, kid):
    for member in jwks["keys"]:
        if member.get("kid") == kid:
            return JWK.from_json(json.dumps(member))
    raise ValueError(f"no key with kid {kid}")


def check(request):
    jwks = request["issuer_jwks"]
    credential = request["credential"]
    header = json.loads(b64url(credential.split(".")[0]))
    issuer_key = key_for(jwks, header["kid"])
    payload = SDJWTVerifier(credential, lambda issuer, header: issuer_key, None, None).get_verified_payload()
    reference = payload["status"]["status_list"]

    token = request["status_list_jwt"]
    list_header = json.loads(b64url(token.split(".")[0]))
    if list_header.get("typ") != "statuslist+jwt":
        raise ValueError(f"typ is {list_header.get('typ')}")
    jws = JWS()
    jws.deserialize(token)
    jws.verify(key_for(jwks, list_header["kid"]), alg="ES256")
    claims = json.loads(jws.payload)
    if claims["sub"] != reference["uri"]:
        raise ValueError(f"sub {claims['sub']} is not the credential's uri {reference['uri']}")
    bits = claims["status_list"]["bits"]
    statuses = zlib.decompress(b64url(claims["status_list"]["lst"]))
    idx = reference["idx"]
    per_byte = 8 // bits
    status = (statuses[idx // per_byte] >> (bits * (idx % per_byte))) & ((1 << bits) - 1)
    return {"ok": True, "idx": idx, "uri": reference["uri"], "status": status, "ttl": claims["ttl"],
            "dp_consulted_at": payload["pavilion_evidence"]["dpConsultedAt"]}


try:
    print(json.dumps(check(json.load(sys.stdin))))
except Exception as error:  # report, never crash: the test reads the reason
    print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))
