import Foundation
import PavilionCore

/// A credential whose VC-JOSE-COSE envelope verified.
public struct VerifiedCredential: Sendable {
    /// The credential (the JWS payload).
    public let credential: VerifiableCredential
    /// The protected header.
    public let header: [String: JSONValue]
    /// The algorithm that verified.
    public let algorithm: JWSAlgorithm
}

/// Securing VC 2.0 credentials with JOSE (W3C VC-JOSE-COSE §3.1,
/// `application/vc+jwt`): the JWS payload is the credential itself, `typ`
/// is `vc+jwt`, `cty` is not written, `kid` names the key (a DID URL when the
/// issuer is a DID), and `iat`/`nbf`/`exp` may be added for freshness.
///
/// Verification names the failed ``VCCheck``: `signature` (only ES256,
/// ES384, EdDSA), `mediaType`, `dataModel`, `issuer` (`iss` equals the
/// credential's issuer; a DID `kid` belongs to it), `keyResolution`,
/// `validityPeriod`, `freshness`.
public enum VCJWT {
    /// The `typ` of a VC secured with JOSE.
    public static let mediaType = "vc+jwt"
    /// The algorithms a VC-JWT may use.
    public static let algorithms: Set<JWSAlgorithm> = [.es256, .es384, .edDSA]

    /// Optional JWT claims added to the payload beside the credential's members.
    public struct FreshnessClaims: Sendable {
        /// `iat`.
        public var issuedAt: Date?
        /// `nbf`.
        public var notBefore: Date?
        /// `exp`.
        public var expiresAt: Date?

        /// - Parameters:
        ///   - issuedAt: `iat`.
        ///   - notBefore: `nbf`.
        ///   - expiresAt: `exp`.
        public init(issuedAt: Date? = nil, notBefore: Date? = nil, expiresAt: Date? = nil) {
            self.issuedAt = issuedAt
            self.notBefore = notBefore
            self.expiresAt = expiresAt
        }
    }

    /// Secure `credential` as a compact JWS.
    /// - Parameters:
    ///   - credential: the credential.
    ///   - signer: the issuer's key (ES256, ES384 or EdDSA); its `keyID` becomes `kid`.
    ///   - freshness: `iat`/`nbf`/`exp` to add, whole seconds.
    /// - Returns: the `vc+jwt`.
    /// - Throws: ``VCError`` `signature` when the signer fails or uses another algorithm.
    public static func secure(_ credential: VerifiableCredential, signer: some JWSSigner,
                              freshness: FreshnessClaims = FreshnessClaims()) throws(VCError) -> String {
        guard algorithms.contains(signer.algorithm) else {
            throw VCError(.signature, "\(signer.algorithm.rawValue) is not allowed for vc+jwt (ES256, ES384, EdDSA are)")
        }
        var payload = credential.json
        for (name, date) in [("iat", freshness.issuedAt), ("nbf", freshness.notBefore), ("exp", freshness.expiresAt)] {
            guard let date else { continue }
            guard payload[name] == nil else { throw VCError(.dataModel, "the credential already has a member \(name)") }
            payload[name] = .int(Int64(date.timeIntervalSince1970.rounded(.down)))
        }
        do { return try JWT.sign(claims: payload, signer: signer, type: mediaType) } catch {
            throw VCError(.signature, error.description)
        }
    }

    /// Verify a `vc+jwt` with a key the caller trusts for this issuer.
    /// - Parameters:
    ///   - token: the compact JWS.
    ///   - key: the issuer's key.
    ///   - allowedAlgorithms: narrowed to ES256, ES384, EdDSA.
    ///   - validator: leeway and required freshness claims.
    ///   - clock: the current time.
    /// - Returns: the credential and header.
    /// - Throws: ``VCError`` naming the failed check.
    public static func verify(_ token: String, key: JWK, allowedAlgorithms: Set<JWSAlgorithm> = algorithms,
                              validator: JWTClaimsValidator = JWTClaimsValidator(),
                              clock: some CredentialClock) throws(VCError) -> VerifiedCredential {
        let verified: VerifiedJWS
        do { verified = try JWS.verifyCompact(token, key: key, allowedAlgorithms: allowedAlgorithms.intersection(algorithms)) } catch {
            throw VCError(.signature, error.description)
        }
        let header = verified.protectedHeader
        guard header["typ"]?.stringValue.map({ $0.lowercased() }) == mediaType || header["typ"]?.stringValue?.lowercased() == "application/" + mediaType else {
            throw VCError(.mediaType, "typ must be \(mediaType), got \(header["typ"].map { $0.serialized } ?? "none")")
        }
        if let cty = header["cty"], cty.stringValue?.lowercased() != "vc" {
            throw VCError(.mediaType, "cty must be absent (or vc), got \(cty.serialized)")
        }
        let claims: [String: JSONValue]
        do { claims = try JWT.decodeClaims(verified.payload) } catch { throw VCError(.dataModel, error.reason) }
        let credential = try VerifiableCredential(json: .object(claims))
        if let iss = claims["iss"]?.stringValue, iss != credential.issuer {
            throw VCError(.issuer, "iss \(iss) is not the credential's issuer \(credential.issuer)")
        }
        if let kid = header["kid"]?.stringValue, kid.hasPrefix("did:"), credential.issuer.hasPrefix("did:") {
            guard kid.split(separator: "#", maxSplits: 1).first.map(String.init) == credential.issuer else {
                throw VCError(.issuer, "kid \(kid) is not a key of the issuer \(credential.issuer)")
            }
        }
        do { try validator.validate(claims, clock: clock) } catch { throw VCError(.freshness, error.description) }
        try credential.checkValidityPeriod(at: clock.now, leeway: validator.leeway)
        return VerifiedCredential(credential: credential, header: header, algorithm: verified.algorithm)
    }

    /// Verify a `vc+jwt` whose issuer is a DID: the key is the `kid`'s
    /// verification method, which the issuer's DID document must authorise
    /// as an `assertionMethod`.
    /// - Parameters:
    ///   - token: the compact JWS.
    ///   - resolver: resolves did:key, did:jwk, did:web.
    ///   - validator: leeway and required freshness claims.
    ///   - clock: the current time.
    /// - Returns: the credential and header.
    /// - Throws: ``VCError`` naming the failed check.
    public static func verify(_ token: String, resolver: DIDResolver, validator: JWTClaimsValidator = JWTClaimsValidator(),
                              clock: some CredentialClock) async throws(VCError) -> VerifiedCredential {
        let header: [String: JSONValue]
        do { header = try JWS.unverifiedHeader(ofCompact: token) } catch { throw VCError(.signature, error.description) }
        guard let kid = header["kid"]?.stringValue, kid.hasPrefix("did:") else {
            throw VCError(.keyResolution, "the header has no kid naming a DID verification method")
        }
        let method: VerificationMethod
        do { method = try await resolver.verificationMethod(kid, for: .assertionMethod) } catch {
            throw VCError(.keyResolution, "\(kid): \(error)")
        }
        let verified = try verify(token, key: method.publicKey, validator: validator, clock: clock)
        guard method.controller == verified.credential.issuer else {
            throw VCError(.issuer, "the key \(kid) is controlled by \(method.controller), not the issuer \(verified.credential.issuer)")
        }
        return verified
    }
}
