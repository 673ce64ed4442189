import Foundation
import PavilionCore
import PavilionStore

/// A verification's answer as the API returns it.
public struct VerificationOutcome: Sendable, Hashable {
    /// How it ended, as the API says it.
    public enum Status: String, Sendable, Hashable {
        /// The data provider answered; `claims` holds the requested claims.
        case completed
        /// The data provider does not know the subject; `claims` is empty.
        case notFound = "not_found"
        /// Stored as failed for another reason (not produced by this host's API).
        case failed
    }

    /// The verification id (`vrf_…`).
    public var id: VerificationID
    /// The request id of the request that ran it (`nil` when read back later).
    public var requestID: String?
    /// How it ended.
    public var status: Status
    /// The connector that answered.
    public var connector: String
    /// Its version.
    public var connectorVersion: String
    /// The region asked (`nil` when read back later: the store does not keep it).
    public var region: String?
    /// The minimised claims.
    public var claims: JSONValue
    /// When the request arrived.
    public var createdAt: Date
    /// The credential issued with the answer, when the request asked for one.
    public var credential: IssuedCredential?
    /// Where the privacy receipt sits in the transparency log: `{log_index, leaf_hash}`.
    public var privacyReceipt: JSONValue?
    /// The openings of attributes committed in the credential (`commit_attributes`), for the holder; never stored.
    public var commitments: JSONValue?
    /// The quality decision and overall score (`{"decision": "flag", "overall": 0.72}`)
    /// when the connector's manifest has a quality policy; a `flag` means
    /// answered but marked for review.
    public var quality: JSONValue?

    /// - Parameters: the fields above.
    public init(id: VerificationID, requestID: String?, status: Status, connector: String, connectorVersion: String,
                region: String?, claims: JSONValue, createdAt: Date, credential: IssuedCredential? = nil,
                privacyReceipt: JSONValue? = nil, commitments: JSONValue? = nil) {
        self.privacyReceipt = privacyReceipt
        self.commitments = commitments
        self.credential = credential
        self.id = id
        self.requestID = requestID
        self.status = status
        self.connector = connector
        self.connectorVersion = connectorVersion
        self.region = region
        self.claims = claims
        self.createdAt = createdAt
    }

    /// The answer for a stored record.
    public init(record: VerificationRecord) {
        let status: Status
        switch record.status {
        case .succeeded: status = .completed
        case .failed where record.errorCode == VerificationPipeline.subjectNotFoundCode: status = .notFound
        case .failed, .denied: status = .failed
        }
        self.init(id: record.id, requestID: nil, status: status, connector: record.connector,
                  connectorVersion: record.connectorVersion, region: nil, claims: record.result ?? .object([:]),
                  createdAt: record.createdAt)
    }

    /// The JSON body.
    public var json: JSONValue { .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })) }

    /// The JSON body's bytes: `json.serializedBytes`, without building the
    /// dictionary (the answer of every verification).
    public var serializedJSON: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONValue.serializeObject(members, into: &out)
        return out
    }

    /// The body's members, each name once.
    private var members: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id.rawValue)), ("status", .string(status.rawValue)), ("connector", .string(connector)),
            ("connector_version", .string(connectorVersion)), ("claims", claims),
            ("created_at", .string(Timestamps.rfc3339(createdAt))),
            ("request_id", requestID.map(JSONValue.string) ?? .null), ("region", region.map(JSONValue.string) ?? .null),
        ]
        if let credential {
            members.append(("credential", credential.value))
            members.append(("credential_format", .string(credential.format.rawValue)))
        }
        if let privacyReceipt { members.append(("privacy_receipt", privacyReceipt)) }
        if let commitments { members.append(("commitments", commitments)) }
        if let quality { members.append(("quality", quality)) }
        return members
    }
}
