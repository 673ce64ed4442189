"""Issue SD-JWTs and presentations with the IETF reference implementation.

Reads a JSON request on stdin:
  {"testcases": [path to a sd-jwt-python testcase specification.yml, ...],
   "issuer": str, "audience": str, "nonce": str}
For each testcase: fresh P-256 issuer and holder keys, an issuance with decoys
(holder key in cnf when the testcase asks for key binding), and the holder's
presentation of holder_disclosed_claims (with a KB-JWT when key binding).
Answers on stdout:
  {"results": [{"name", "issuer_jwk", "key_binding", "issuance", "presentation",
                "all_claims", "expected_claims", "holder_jwk"}]}
"""
import json
import os
import sys

from jwcrypto.jwk import JWK
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.utils.yaml_specification import load_yaml_specification, remove_sdobj_wrappers

request = json.load(sys.stdin)
results = []
for path in request["testcases"]:
    spec = load_yaml_specification(path)
    key_binding = bool(spec.get("key_binding", False))
    issuer_key = JWK.generate(kty="EC", crv="P-256")
    holder_key = JWK.generate(kty="EC", crv="P-256")
    user_claims = {"iss": request["issuer"]}
    user_claims.update(spec["user_claims"])
    issuer = SDJWTIssuer(
        user_claims,
        issuer_key,
        holder_key if key_binding else None,
        add_decoy_claims=True,
        extra_header_parameters={"typ": "example+sd-jwt"},
    )
    holder = SDJWTHolder(issuer.sd_jwt_issuance)
    holder.create_presentation(
        spec["holder_disclosed_claims"],
        request["nonce"] if key_binding else None,
        request["audience"] if key_binding else None,
        holder_key if key_binding else None,
    )
    expected = spec["expect_verified_user_claims"]
    expected["iss"] = request["issuer"]
    all_claims = remove_sdobj_wrappers(user_claims)
    if key_binding:
        cnf = {"jwk": holder_key.export_public(as_dict=True)}
        expected["cnf"] = cnf
        all_claims["cnf"] = cnf
    results.append({
        "name": os.path.basename(path),
        "issuer_jwk": issuer_key.export_public(as_dict=True),
        "holder_jwk": holder_key.export_public(as_dict=True),
        "key_binding": key_binding,
        "issuance": issuer.sd_jwt_issuance,
        "presentation": holder.sd_jwt_presentation,
        "all_claims": all_claims,
        "expected_claims": expected,
    })
print(json.dumps({"results": results}))
