"""Make a presentation of an SD-JWT issued elsewhere with the IETF reference
implementation's holder.

Reads a JSON request on stdin:
  {"issuance": str, "disclose": {claims to disclose, as in sd-jwt-python},
   "holder_jwk": {private JWK}, "audience": str, "nonce": str}
Answers on stdout: {"presentation": str}
"""
import json
import sys

from jwcrypto.jwk import JWK
from sd_jwt.holder import SDJWTHolder

request = json.load(sys.stdin)
holder = SDJWTHolder(request["issuance"])
holder.create_presentation(
    request["disclose"],
    request["nonce"],
    request["audience"],
    JWK.from_json(json.dumps(request["holder_jwk"])),
)
print(json.dumps({"presentation": holder.sd_jwt_presentation}))
