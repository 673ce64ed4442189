import Foundation
import PavilionCore
import PavilionCredentials
import PavilionHSM
import PavilionStore

/// A credential issued for a verification, in the format asked for.
public struct IssuedCredential: Sendable, Hashable {
    /// The format.
    public var format: CredentialFormat
    /// The credential: a string for the JWT forms, an object for Data Integrity.
    public var value: JSONValue

    /// - Parameters: the fields above.
    public init(format: CredentialFormat, value: JSONValue) {
        self.format = format
        self.value = value
    }

    /// The credential as kept with its verification: the JWT forms' text, a
    /// Data Integrity credential's JSON. Its digest goes into the audit record.
    public var artifact: VerificationArtifact {
        let bytes: [UInt8]
        if case .string(let text) = value { bytes = Array(text.utf8) } else { bytes = value.serializedBytes }
        return VerificationArtifact(kind: "credential", mediaType: format.mediaType, body: bytes)
    }
}

/// What a credential says: the minimised claims and non-personal evidence
/// of how they were obtained. Never the subject's attributes.
public struct CredentialContent: Sendable {
    /// The minimised claims (the `credentialSubject` members).
    public var claims: [String: JSONValue]
    /// The subject's DID, written as `credentialSubject.id` (or `sub`), if the request gave one.
    public var subjectDID: String?
    /// The holder's public key for SD-JWT key binding (`cnf`), if any.
    public var holderKey: JWK?
    /// The verification id.
    public var verificationID: String
    /// The connector that answered, and its version.
    public var connector: String
    /// The connector's version.
    public var connectorVersion: String
    /// The region whose data provider answered (and whose key signs).
    public var region: String

    /// - Parameters: the fields above.
    public init(claims: [String: JSONValue], subjectDID: String?, holderKey: JWK?, verificationID: String, connector: String,
                connectorVersion: String, region: String) {
        self.claims = claims
        self.subjectDID = subjectDID
        self.holderKey = holderKey
        self.verificationID = verificationID
        self.connector = connector
        self.connectorVersion = connectorVersion
        self.region = region
    }
}

/// Builds and secures the credential of a verification with the key of the
/// region that processed the data.
public struct CredentialIssuer: Sendable {
    /// The `type` after `VerifiableCredential`.
    public static let credentialType = "PavilionVerification"
    /// The SD-JWT VC `vct`.
    public static let vct = "https://pavilion.dev/vct/verification"

    /// The keys and issuer.
    public let keyring: SigningKeyring

    /// - Parameter keyring: the keys and issuer.
    public init(keyring: SigningKeyring) { self.keyring = keyring }

    private static func jwsSigner(_ signer: some Signer) -> any JWSSigner { SignerJWSAdapter(signer) }

    /// Whether `region` has a key for `format`.
    public func canIssue(_ format: CredentialFormat, region: String) -> Bool {
        keyring.signer(for: format, region: region) != nil
    }

    /// Issue the credential.
    /// - Parameters:
    ///   - format: the format asked for.
    ///   - content: claims and evidence.
    ///   - now: the issuance time.
    /// - Returns: the credential.
    /// - Throws: ``APIProblem`` `signing_key_unavailable` (503) when the
    ///   region has no key for the format, `credential_issuance_failed` (500)
    ///   when building or signing fails.
    public func issue(_ format: CredentialFormat, content: CredentialContent, now: Date) throws(APIProblem) -> IssuedCredential {
        guard let signer = keyring.signer(for: format, region: content.region) else {
            throw APIProblem(503, "signing_key_unavailable", "region '\(content.region)' has no key for \(format.rawValue) credentials")
        }
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let validUntil = issuedAt.addingTimeInterval(TimeInterval(keyring.lifetimeSeconds))
        let evidence: JSONValue = .object([
            "type": .array(["PavilionVerificationEvidence"]),
            "verification": .string(content.verificationID),
            "connector": .string(content.connector),
            "connectorVersion": .string(content.connectorVersion),
            "region": .string(content.region),
        ])
        do {
            switch format {
            case .sdJWTVC:
                var claims = content.claims
                claims["pavilion_evidence"] = evidence
                let vc = SDJWTVCClaims(issuer: keyring.issuer, vct: Self.vct, claims: claims,
                                       issuedAt: Int64(issuedAt.timeIntervalSince1970), notBefore: nil,
                                       expiresAt: Int64(validUntil.timeIntervalSince1970), subject: content.subjectDID)
                var disclosable = Set(content.claims.keys.map { ClaimPath([.member($0)]) })
                if content.subjectDID != nil { disclosable.insert(["sub"]) }
                let issued = try SDJWTVCIssuer(signer: signer).issue(vc, holderKey: content.holderKey,
                                                                      disclosable: disclosable.isEmpty ? nil : disclosable)
                return IssuedCredential(format: format, value: .string(issued.sdJWT.serialized))
            case .vcJWT, .dataIntegrityECDSA, .dataIntegrityEdDSA:
                var subject = content.claims
                if let did = content.subjectDID { subject["id"] = .string(did) }
                let credential = try VerifiableCredential(types: [Self.credentialType], issuer: keyring.issuer, subject: subject,
                                                          validFrom: issuedAt, validUntil: validUntil,
                                                          otherMembers: ["evidence": .array([evidence])])
                if format == .vcJWT {
                    let token = try VCJWT.secure(credential, signer: Self.jwsSigner(signer),
                                                 freshness: .init(issuedAt: issuedAt, expiresAt: validUntil))
                    return IssuedCredential(format: format, value: .string(token))
                }
                let suite: DataIntegrityCryptosuite = format == .dataIntegrityEdDSA ? .eddsaJcs2022 : .ecdsaJcs2019
                let secured = try DataIntegrity.addProof(to: credential.jsonValue,
                                                         options: DataIntegrityProofOptions(cryptosuite: suite, created: issuedAt),
                                                         signer: signer)
                return IssuedCredential(format: format, value: secured)
            }
        } catch {
            throw APIProblem(500, "credential_issuance_failed", "the \(format.rawValue) credential could not be issued: \(error)")
        }
    }
}
