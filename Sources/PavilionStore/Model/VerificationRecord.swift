import Foundation
import PavilionCore

/// How a verification ended.
public enum VerificationStatus: String, Sendable, Hashable, CaseIterable {
    /// The data provider answered and the claims were checked.
    case succeeded
    /// The connector or the data provider failed; see the error code.
    case failed
    /// Policy refused the request before any data provider was asked.
    case denied
}

/// One verification as the store keeps it: who asked which connector for
/// what purpose, and the minimised answer. Subject attributes are never
/// stored; `result` holds only the claims the relying party asked for.
public struct VerificationRecord: Sendable, Hashable {
    /// The verification's identifier.
    public var id: VerificationID
    /// The tenant that asked; reads are scoped to it.
    public var tenantID: TenantID
    /// The connector that answered (a token).
    public var connector: String
    /// The connector's version (a token).
    public var connectorVersion: String
    /// The declared purpose (a token).
    public var purpose: String
    /// How it ended.
    public var status: VerificationStatus
    /// When the request arrived (millisecond precision).
    public var createdAt: Date
    /// When it ended (millisecond precision).
    public var finishedAt: Date?
    /// The minimised claims, a JSON object; `nil` when there is no answer.
    public var result: JSONValue?
    /// A machine error code (a token) when it did not succeed.
    public var errorCode: String?

    /// The largest serialised `result` accepted, in bytes.
    public static let maxResultBytes = 64 * 1024

    /// The region whose data provider answered (schema version 5; `nil` before).
    public var region: String?
    /// The subject's residency zone the request named, e.g. `eu` (schema version 5; `nil` before).
    public var jurisdiction: String?

    /// - Parameters: see the properties; dates are kept to the millisecond.
    public init(id: VerificationID, tenantID: TenantID, connector: String, connectorVersion: String, purpose: String,
                status: VerificationStatus, createdAt: Date, finishedAt: Date? = nil, result: JSONValue? = nil,
                errorCode: String? = nil, region: String? = nil, jurisdiction: String? = nil) {
        self.region = region
        self.jurisdiction = jurisdiction
        self.id = id
        self.tenantID = tenantID
        self.connector = connector
        self.connectorVersion = connectorVersion
        self.purpose = purpose
        self.status = status
        self.createdAt = Timestamp.truncated(createdAt)
        self.finishedAt = finishedAt.map(Timestamp.truncated)
        self.result = result
        self.errorCode = errorCode
    }

    /// Check the shapes the store relies on.
    /// - Returns: the result's compact JSON text (what the store keeps), so
    ///   that it is serialised once.
    @discardableResult
    func validate() throws(StoreError) -> String? {
        try Validation.requireToken(connector, "connector")
        try Validation.requireToken(connectorVersion, "connector version")
        try Validation.requireToken(purpose, "purpose")
        try Validation.requireToken(errorCode, "error code")
        try Validation.requireToken(region, "region")
        try Validation.requireToken(jurisdiction, "jurisdiction")
        if let result {
            guard case .object = result else {
                throw StoreError(.invalidInput, "a verification result is a JSON object of claims, not \(result.typeName)")
            }
            let bytes = result.serializedBytes
            try Validation.require(bytes.count <= Self.maxResultBytes,
                                   "a verification result of \(bytes.count) bytes exceeds \(Self.maxResultBytes)")
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }
}
