import PavilionCore

/// The body of `POST /v1/verifications`, checked for shape.
public struct VerificationRequest: Sendable, Hashable {
    /// The connector to ask; `nil` lets the host choose by claims.
    public var connector: String?
    /// The claims wanted, without repeats, in the order asked.
    public var claims: [String]
    /// The subject's attributes (never logged or stored).
    public var subject: JSONValue
    /// Subject attributes to commit to in the credential (`commit_attributes`).
    public var commitAttributes: [String] = []
    /// Why the relying party asks (a token such as `kyc`).
    public var purpose: String
    /// The lawful basis relied on, if stated.
    public var lawfulBasis: String?
    /// The subject's jurisdiction, as a residency zone.
    public var jurisdiction: ResidencyZone
    /// The credential format asked for; `nil` for an answer without a credential.
    public var credentialFormat: CredentialFormat?
    /// The subject's DID for `credentialSubject.id`, if given.
    public var subjectDID: String?
    /// The holder's public JWK for SD-JWT key binding, if given.
    public var holderJWK: JSONValue?
    /// The relying party's EC public JWK to encrypt the answer to (JWE), if given.
    public var encryptTo: JSONValue?

    /// - Parameters: the fields above.
    public init(connector: String?, claims: [String], subject: JSONValue, purpose: String, lawfulBasis: String?,
                jurisdiction: ResidencyZone, credentialFormat: CredentialFormat? = nil, subjectDID: String? = nil,
                holderJWK: JSONValue? = nil, encryptTo: JSONValue? = nil) {
        self.encryptTo = encryptTo
        self.credentialFormat = credentialFormat
        self.subjectDID = subjectDID
        self.holderJWK = holderJWK
        self.connector = connector
        self.claims = claims
        self.subject = subject
        self.purpose = purpose
        self.lawfulBasis = lawfulBasis
        self.jurisdiction = jurisdiction
    }

    /// Most claims in one request.
    public static let maxClaims = 64

    /// The members a request may have.
    private static let knownMembers: Set<String> = ["connector", "claims", "subject", "purpose", "lawful_basis", "jurisdiction",
                                                    "credential_format", "subject_did", "holder_jwk", "encrypt_to", "commit_attributes"]

    /// Parse and check a request body.
    /// - Parameter body: the bytes received.
    /// - Returns: the request.
    /// - Throws: ``APIProblem`` `invalid_json` when the body is not JSON,
    ///   `invalid_request` naming the first field that is wrong.
    public static func parse(_ body: [UInt8]) throws(APIProblem) -> VerificationRequest {
        let value: JSONValue
        do {
            value = try JSONParser(limits: .init(maxDepth: 32, maxBytes: 1 << 20)).parse(bytes: body)
        } catch {
            throw .invalidJSON("the body is not JSON: \(error.line):\(error.column): \(error.reason)")
        }
        guard case .object(let members) = value else {
            throw .invalidRequest("the body must be a JSON object, not \(value.typeName)")
        }
        if members.keys.contains(where: { !knownMembers.contains($0) }),
           let unknown = members.keys.sorted().first(where: { !knownMembers.contains($0) }) {
            throw .invalidRequest("unknown member \"\(Tokens.printable(unknown))\"")
        }
        var connector: String?
        if let c = members["connector"] {
            guard let name = c.stringValue, Tokens.isToken(name) else {
                throw .invalidRequest("\"connector\" must be a connector name")
            }
            connector = name
        }
        guard let claimValues = members["claims"]?.arrayValue, !claimValues.isEmpty else {
            throw .invalidRequest("\"claims\" must be a non-empty array of claim names")
        }
        guard claimValues.count <= maxClaims else { throw .invalidRequest("\"claims\" holds more than \(maxClaims) names") }
        var claims: [String] = []
        for c in claimValues {
            guard let name = c.stringValue, Tokens.isToken(name) else {
                throw .invalidRequest("\"claims\" must hold claim names (strings of letters, digits, '_', '-', '.')")
            }
            if !claims.contains(name) { claims.append(name) }
        }
        guard let subject = members["subject"], case .object = subject else {
            throw .invalidRequest("\"subject\" must be a JSON object of the subject's attributes")
        }
        guard let purpose = members["purpose"]?.stringValue, Tokens.isToken(purpose) else {
            throw .invalidRequest("\"purpose\" must be a purpose name such as \"kyc\"")
        }
        var lawfulBasis: String?
        if let b = members["lawful_basis"] {
            guard let basis = b.stringValue, Tokens.isToken(basis) else {
                throw .invalidRequest("\"lawful_basis\" must be a lawful basis name such as \"consent\"")
            }
            lawfulBasis = basis
        }
        guard let zoneText = members["jurisdiction"]?.stringValue else {
            throw .invalidRequest("\"jurisdiction\" must name the subject's residency zone (e.g. \"eu\")")
        }
        guard let zone = ResidencyZone(rawValue: zoneText) else {
            let known = ResidencyZone.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidRequest("\"jurisdiction\" must be one of \(known)")
        }
        let credential = try CredentialRequestFields.parse(members)
        var request = VerificationRequest(connector: connector, claims: claims, subject: subject, purpose: purpose,
                                          lawfulBasis: lawfulBasis, jurisdiction: zone, credentialFormat: credential.format,
                                          subjectDID: credential.subjectDID, holderJWK: credential.holderJWK,
                                          encryptTo: credential.encryptTo)
        request.commitAttributes = try AttributeCommitments.parse(members, claims: claims, subject: subject,
                                                                  credentialFormat: credential.format)
        return request
    }
}

/// Shapes of the short names the API accepts: PavilionCore's ``TokenShape``,
/// the same rules the store applies.
enum Tokens {
    /// `[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}`, as the audit trail requires.
    static func isToken(_ text: String) -> Bool { TokenShape.isToken(text) }

    /// `[A-Za-z0-9_-]{1,128}`: request and record identifiers.
    static func isIdentifier(_ text: String) -> Bool { TokenShape.isIdentifier(text) }

    /// At most 64 printable ASCII characters of `text`, for echoing a name back.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "?" })
    }
}
