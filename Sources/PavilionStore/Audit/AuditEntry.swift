import Foundation

/// What policy decided about a request.
public enum AuditDecision: String, Sendable, Hashable, CaseIterable {
    /// The request was allowed to reach a data provider.
    case permit
    /// The request was refused (authentication, policy, validation).
    case deny
}

/// What the caller tells the audit trail about one request. Every field is
/// an identifier or a short machine token, so no personal data can be put
/// here: who (key), for whom (tenant), through what (connector), why
/// (purpose, lawful basis), the decision, the outcome, timings and the
/// categories of data touched.
public struct AuditEntry: Sendable, Hashable {
    /// The request id (`[A-Za-z0-9_-]{1,128}`), as in logs.
    public var requestID: String
    /// The key that made the request; `nil` when none authenticated.
    public var keyID: APIKeyID?
    /// The tenant acted for; `nil` when none was established.
    public var tenantID: TenantID?
    /// The connector asked (a token).
    public var connector: String?
    /// The connector's version (a token).
    public var connectorVersion: String?
    /// The declared purpose (a token), e.g. `kyc.onboarding`.
    public var purpose: String?
    /// The lawful basis relied on (a token), e.g. `gdpr-6-1-c`.
    public var lawfulBasis: String?
    /// Permit or deny.
    public var decision: AuditDecision
    /// How the request ended (a token), e.g. `succeeded`, `dp_timeout`.
    public var outcome: String
    /// A machine error code (a token) when it did not succeed.
    public var errorCode: String?
    /// The verification written with this record, if any; filled in by
    /// ``Store/recordVerification(_:audit:)``.
    public var verificationID: VerificationID?
    /// When the request arrived (millisecond precision).
    public var startedAt: Date
    /// When the answer left (millisecond precision).
    public var finishedAt: Date
    /// Milliseconds spent in data-provider exchanges, if any.
    public var connectorMilliseconds: Int64?
    /// Categories of data touched (tokens), e.g. `identity.name`; kept sorted
    /// and without repeats.
    public var dataCategories: [String]
    /// Digests of what the verification produced besides its claims, by
    /// artifact kind (`credential` → `sha256:…`); filled in by
    /// ``Store/recordVerification(_:audit:artifacts:)`` from its artifacts.
    public var artifactDigests: [String: String] = [:]

    /// - Parameters: see the properties; dates are kept to the millisecond
    ///   and data categories sorted without repeats.
    public init(requestID: String, keyID: APIKeyID? = nil, tenantID: TenantID? = nil, connector: String? = nil,
                connectorVersion: String? = nil, purpose: String? = nil, lawfulBasis: String? = nil,
                decision: AuditDecision, outcome: String, errorCode: String? = nil,
                verificationID: VerificationID? = nil, startedAt: Date, finishedAt: Date,
                connectorMilliseconds: Int64? = nil, dataCategories: [String] = []) {
        self.requestID = requestID
        self.keyID = keyID
        self.tenantID = tenantID
        self.connector = connector
        self.connectorVersion = connectorVersion
        self.purpose = purpose
        self.lawfulBasis = lawfulBasis
        self.decision = decision
        self.outcome = outcome
        self.errorCode = errorCode
        self.verificationID = verificationID
        self.startedAt = Timestamp.truncated(startedAt)
        self.finishedAt = Timestamp.truncated(finishedAt)
        self.connectorMilliseconds = connectorMilliseconds
        self.dataCategories = Array(Set(dataCategories)).sorted()
    }

    /// Check the shapes the audit trail relies on.
    func validate() throws(StoreError) {
        try Validation.require(Validation.isIdentifier(requestID),
                               "request id \(Validation.quoted(requestID)) is not [A-Za-z0-9_-]{1,128}")
        try Validation.requireToken(connector, "connector")
        try Validation.requireToken(connectorVersion, "connector version")
        try Validation.requireToken(purpose, "purpose")
        try Validation.requireToken(lawfulBasis, "lawful basis")
        try Validation.requireToken(outcome, "outcome")
        try Validation.requireToken(errorCode, "error code")
        for category in dataCategories { try Validation.requireToken(category, "data category") }
        try Validation.require(dataCategories.count <= 64, "more than 64 data categories")
        try Validation.require(finishedAt >= startedAt, "an audit entry finishes before it starts")
        if let connectorMilliseconds {
            try Validation.require(connectorMilliseconds >= 0, "negative connector time")
        }
        try Validation.require(artifactDigests.count <= 16, "more than 16 artifacts")
        for (kind, digest) in artifactDigests {
            try Validation.requireToken(kind, "artifact kind")
            try Validation.require(Self.isDigest(digest), "artifact digest \(Validation.quoted(digest)) is not sha256:<64 hex>")
        }
    }

    /// `sha256:` then 64 lowercase hex digits.
    static func isDigest(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 71, text.hasPrefix("sha256:") else { return false }
        return bytes.dropFirst(7).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
