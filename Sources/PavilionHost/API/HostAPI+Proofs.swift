import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionNet
import PavilionPrivacy

/// The zero-knowledge presentation routes: a relying party takes a fresh
/// nonce, the holder proves "age at least N" about the birth-date
/// commitment in a credential this host issued (vc+jwt or dc+sd-jwt), and the host checks the
/// credential's signature, the nonce (once, for this tenant) and the proof.
/// See `docs/privacy.md`, "Credentials with committed attributes".
extension HostAPI {
    /// How long a presentation nonce stays usable.
    static let proofNonceLifetime: TimeInterval = 300
    /// Most outstanding nonces kept; the oldest are dropped beyond it.
    static let maxProofNonces = 10_000

    func proofNonce(caller: Caller, privacy: PrivacyEngine) throws(APIProblem) -> HTTPServerResponse {
        guard let tenant = caller.tenant else { throw APIProblem.forbidden("presentations are verified for tenants; use a tenant key") }
        guard let nonce = RandomHex.make(bytes: 16) else { throw APIProblem.internalError() }
        let now = privacy.now()
        let expires = now.addingTimeInterval(Self.proofNonceLifetime)
        privacy.presentationNonces.withLock { nonces in
            nonces = nonces.filter { $0.value.expires > now }
            if nonces.count >= Self.maxProofNonces, let oldest = nonces.min(by: { $0.value.expires < $1.value.expires }) {
                nonces[oldest.key] = nil
            }
            nonces[nonce] = (tenant.rawValue, expires)
        }
        return Self.json(200, .object(["nonce": .string(nonce), "audience": .string(tenant.rawValue),
                                       "expires_at": .string(Timestamps.rfc3339(expires))]))
    }

    func proofVerify(_ request: HTTPServerRequest, caller: Caller, privacy: PrivacyEngine) async throws(APIProblem) -> HTTPServerResponse {
        guard let tenant = caller.tenant else { throw APIProblem.forbidden("presentations are verified for tenants; use a tenant key") }
        let members = try Self.jsonObject(request.body)
        let known: Set<String> = ["credential", "attribute", "predicate", "nonce", "proof"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIProblem.invalidRequest("unknown member \"\(Tokens.printable(unknown))\"")
        }
        guard let token = members["credential"]?.stringValue, !token.isEmpty else {
            throw APIProblem.invalidRequest("\"credential\" must be the vc+jwt or dc+sd-jwt this host issued")
        }
        guard let attribute = members["attribute"]?.stringValue, Tokens.isToken(attribute) else {
            throw APIProblem.invalidRequest("\"attribute\" must name the committed attribute, e.g. \"birthdate\"")
        }
        guard let predicate = members["predicate"]?.objectValue, predicate["type"]?.stringValue == "age_at_least",
              let years = predicate["years"]?.intValue, (0...150).contains(years), let on = predicate["on"]?.stringValue,
              Set(predicate.keys).isSubset(of: ["type", "years", "on"]) else {
            throw APIProblem(400, "invalid_predicate", "\"predicate\" must be {\"type\":\"age_at_least\",\"years\":N,\"on\":\"YYYY-MM-DD\"}")
        }
        let today = Self.utcDay(privacy.now())
        guard let day = try? CommittedDatePredicate.dayNumber(on), let current = try? CommittedDatePredicate.dayNumber(today),
              day + 1 >= current, day <= current + 1 else {
            throw APIProblem(400, "invalid_predicate", "\"predicate.on\" must be today's date (UTC, \(today)), give or take a day")
        }
        guard let nonce = members["nonce"]?.stringValue, let nonceBytes = Hex.decode(nonce), !nonceBytes.isEmpty else {
            throw APIProblem.invalidRequest("\"nonce\" must be the hex nonce from POST /v1/privacy/proofs/nonce")
        }
        guard let proofBytes = members["proof"]?.stringValue.flatMap(Hex.decode), !proofBytes.isEmpty else {
            throw APIProblem.invalidRequest("\"proof\" must be the hex range proof")
        }
        // The nonce is spent whatever follows: a presentation is tried once.
        let now = privacy.now()
        let fresh = privacy.presentationNonces.withLock { nonces -> Bool in
            guard let entry = nonces.removeValue(forKey: nonce) else { return false }
            return entry.tenant == tenant.rawValue && entry.expires > now
        }
        guard fresh else {
            throw APIProblem(400, "proof_nonce_invalid", "the nonce is unknown, used, expired or another tenant's; take a new one")
        }
        let commitment = try await commitment(in: token, attribute: attribute)
        do {
            let parameters = try ZKParameters.p256()
            let proof = try RangeProof(serialized: proofBytes, parameters: parameters)
            try CommittedDatePredicate.verify(proof, commitment: try PedersenCommitment(serialized: commitment, parameters: parameters),
                                              years: Int(years), on: on,
                                              context: CommittedDatePredicate.context(nonce: nonceBytes, audience: tenant.rawValue),
                                              parameters: parameters)
        } catch {
            throw APIProblem(422, "proof_invalid", "the proof does not show \(attribute) at least \(years) years before \(on): \(error.code)")
        }
        return Self.json(200, .object([
            "verified": .bool(true), "attribute": .string(attribute),
            "predicate": .object(["type": "age_at_least", "years": .int(years), "on": .string(on)]),
        ]))
    }

    /// The commitment bytes in the `<attribute>_commitment` claim of a
    /// vc+jwt or dc+sd-jwt (with that claim disclosed) this host issued and
    /// signed, still valid.
    private func commitment(in token: String, attribute: String) async throws(APIProblem) -> [UInt8] {
        guard let keyring = await currentKeyring() else { throw APIProblem(404, "not_found", "this host issues no credentials") }
        let refused = { (why: String) in APIProblem(400, "credential_invalid", "the credential is refused: \(why)") }
        let claims: [String: JSONValue]
        if token.contains("~") {
            let keys = keyring.jwks["keys"]?.arrayValue?.compactMap { try? JWK(json: $0) } ?? []
            let verifier = SDJWTVCVerifier(issuerKeys: keys, expectedIssuer: keyring.issuer, keyBinding: .notRequired)
            do { claims = try verifier.verify(token, now: Int64(Date().timeIntervalSince1970)).sdJWT.processedPayload } catch {
                throw refused(error.description)
            }
        } else {
            claims = try vcJWTSubject(token, keyring: keyring, refused: refused)
        }
        let claim = claims[AttributeCommitments.claimName(attribute)]
        guard claim?["scheme"]?.stringValue == AttributeCommitments.scheme,
              claim?["encoding"]?.stringValue == AttributeCommitments.encoding,
              let bytes = claim?["commitment"]?.stringValue.flatMap(Hex.decode) else {
            throw refused("it carries no \(AttributeCommitments.scheme) commitment to \(attribute)")
        }
        return bytes
    }

    /// The `credentialSubject` of a valid vc+jwt signed by one of this host's keys.
    private func vcJWTSubject(_ token: String, keyring: SigningKeyring,
                              refused: (String) -> APIProblem) throws(APIProblem) -> [String: JSONValue] {
        guard let kid = (try? JWS.unverifiedHeader(ofCompact: token))?["kid"]?.stringValue,
              let member = keyring.jwks["keys"]?.arrayValue?.first(where: { $0["kid"]?.stringValue == kid }),
              let key = try? JWK(json: member) else {
            throw refused("it is not a vc+jwt signed by one of this host's keys")
        }
        let verified: VerifiedCredential
        do { verified = try VCJWT.verify(token, key: key, clock: SystemCredentialClock()) } catch {
            throw refused(error.description)
        }
        guard verified.credential.issuer == keyring.issuer else { throw refused("it was issued by \(verified.credential.issuer)") }
        return verified.credential.json["credentialSubject"]?.objectValue ?? [:]
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    static func utcDay(_ date: Date) -> String {
        String(Timestamps.rfc3339(date).prefix(10))
    }
}
