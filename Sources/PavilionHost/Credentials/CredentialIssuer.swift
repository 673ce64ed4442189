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
    /// The tenant that asked (its status entry and maximum age); `nil` for none.
    public var tenant: TenantID?
    /// When the data provider was last consulted for these claims (the freshness claim `dpConsultedAt`).
    public var dataProviderConsultedAt: Date?

    /// - Parameters: the fields above.
    public init(claims: [String: JSONValue], subjectDID: String?, holderKey: JWK?, verificationID: String, connector: String,
                connectorVersion: String, region: String, tenant: TenantID? = nil, dataProviderConsultedAt: Date? = nil) {
        self.tenant = tenant
        self.dataProviderConsultedAt = dataProviderConsultedAt
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
    /// The evidence member saying when the data provider was last consulted (an XML Schema dateTimeStamp, UTC).
    public static let consultedClaim = "dpConsultedAt"

    private let fixed: SigningKeyring?
    /// The key registry, when keys follow a lifecycle (else the fixed keyring signs).
    public let registry: SigningKeyRegistry?
    /// The status lists; `nil` issues credentials without a status entry.
    public let status: CredentialStatusService?
    /// Tenant id → the longest lifetime of its credentials, in seconds (caps the keyring's lifetime).
    public let tenantMaxAgeSeconds: [String: Int]

    /// The keys and issuer, as last loaded.
    public var keyring: SigningKeyring { registry?.current ?? fixed ?? SigningKeyring(issuer: "", regions: [:]) }

    /// - Parameter keyring: the keys and issuer.
    public init(keyring: SigningKeyring) {
        fixed = keyring
        registry = nil
        status = nil
        tenantMaxAgeSeconds = [:]
    }

    /// - Parameters:
    ///   - registry: the signing keys with their lifecycle.
    ///   - status: the status lists, if credentials get status entries.
    ///   - tenantMaxAgeSeconds: per-tenant maximum credential lifetime.
    public init(registry: SigningKeyRegistry, status: CredentialStatusService?, tenantMaxAgeSeconds: [String: Int] = [:]) {
        fixed = nil
        self.registry = registry
        self.status = status
        self.tenantMaxAgeSeconds = tenantMaxAgeSeconds
    }

    private static func jwsSigner(_ signer: some Signer) -> any JWSSigner { SignerJWSAdapter(signer) }

    /// Whether `region` has a key for `format`.
    public func canIssue(_ format: CredentialFormat, region: String) -> Bool {
        keyring.signer(for: format, region: region) != nil
    }

    /// The lifetime of a credential for `tenant`.
    func lifetime(_ keyring: SigningKeyring, tenant: TenantID?) -> Int {
        guard let tenant, let cap = tenantMaxAgeSeconds[tenant.rawValue] else { return keyring.lifetimeSeconds }
        return min(cap, keyring.lifetimeSeconds)
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
    public func issue(_ format: CredentialFormat, content: CredentialContent, now: Date) async throws(APIProblem) -> IssuedCredential {
        let keyring = await registry?.currentRefreshing() ?? self.keyring
        guard let signer = keyring.signer(for: format, region: content.region) else {
            throw APIProblem(503, "signing_key_unavailable", "region '\(content.region)' has no key for \(format.rawValue) credentials")
        }
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let validUntil = issuedAt.addingTimeInterval(TimeInterval(lifetime(keyring, tenant: content.tenant)))
        var evidenceMembers: [String: JSONValue] = [
            "type": .array(["PavilionVerificationEvidence"]),
            "verification": .string(content.verificationID),
            "connector": .string(content.connector),
            "connectorVersion": .string(content.connectorVersion),
            "region": .string(content.region),
        ]
        if let consulted = content.dataProviderConsultedAt {
            evidenceMembers[Self.consultedClaim] = .string(DateTimeStamp.format(Date(timeIntervalSince1970: consulted.timeIntervalSince1970.rounded(.down))))
        }
        let evidence: JSONValue = .object(evidenceMembers)
        var entry: CredentialStatusEntry?
        if let status, let tenant = content.tenant {
            entry = try await status.allocate(verification: content.verificationID, tenant: tenant, region: content.region)
        }
        do {
            switch format {
            case .sdJWTVC:
                var claims = content.claims
                claims["pavilion_evidence"] = evidence
                let vc = SDJWTVCClaims(issuer: keyring.issuer, vct: Self.vct, claims: claims,
                                       issuedAt: Int64(issuedAt.timeIntervalSince1970), notBefore: nil,
                                       expiresAt: Int64(validUntil.timeIntervalSince1970),
                                       status: entry.flatMap { e in status?.statusClaim(e) }, subject: content.subjectDID)
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
                                                          status: entry.flatMap { e in status?.bitstringEntries(e) } ?? [],
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
