import PavilionCore

/// One stage of a verification in a ``LineageGraph``. It holds names,
/// codes and digests, never a data value.
public struct LineageNode: Sendable, Hashable, Identifiable {
    /// The stage kinds, in pipeline order.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case request
        case policyDecision = "policy_decision"
        case dpExchange = "dp_exchange"
        case validation
        case quality
        case transform
        case minimisation
        case claims
        case credential
    }

    /// How the stage ended.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// It ran and passed.
        case ok
        /// It ran and raised a concern (quality `flag`).
        case flagged
        /// It failed or refused; later stages did not run.
        case failed
        /// It did not run (a skipped transform step).
        case skipped
    }

    /// A stable id, unique in the graph: `request`, `exchange.0`, `transform.2`, ….
    public var id: String
    /// How the stage ended.
    public var status: Status
    /// When it started, if recorded.
    public var startedAt: LineageTimestamp?
    /// How long it took, in microseconds, if recorded.
    public var durationMicroseconds: Int64?
    /// What the stage did.
    public var detail: Detail

    /// The kind, from ``detail``.
    public var kind: Kind { detail.kind }

    /// - Parameters:
    ///   - id: a stable id.
    ///   - status: how it ended.
    ///   - startedAt: when it started.
    ///   - durationMicroseconds: how long it took.
    ///   - detail: what it did.
    public init(id: String, status: Status, startedAt: LineageTimestamp?, durationMicroseconds: Int64? = nil, detail: Detail) {
        self.id = id
        self.status = status
        self.startedAt = startedAt
        self.durationMicroseconds = durationMicroseconds
        self.detail = detail
    }

    /// What a stage did, by kind.
    public enum Detail: Sendable, Hashable {
        case request(Request)
        case policyDecision(PolicyDecision)
        case dpExchange(DPExchange)
        case validation(Validation)
        case quality(QualityReport)
        case transform(Transform)
        case minimisation(Minimisation)
        case claims(Claims)
        case credential(Credential)

        /// The node kind this detail belongs to.
        public var kind: Kind {
            switch self {
            case .request: return .request
            case .policyDecision: return .policyDecision
            case .dpExchange: return .dpExchange
            case .validation: return .validation
            case .quality: return .quality
            case .transform: return .transform
            case .minimisation: return .minimisation
            case .claims: return .claims
            case .credential: return .credential
            }
        }
    }

    /// The relying party's request: who asked, why, for which claims.
    public struct Request: Sendable, Hashable {
        /// The request id.
        public var requestID: String
        /// The tenant (relying party) id.
        public var tenant: String?
        /// The declared purpose.
        public var purpose: String
        /// The claim names asked for, sorted.
        public var requestedClaims: [String]
        /// The names of the subject's fields, sorted; never their values.
        public var subjectFields: [String]

        /// - Parameters: the fields above.
        public init(requestID: String, tenant: String?, purpose: String, requestedClaims: [String], subjectFields: [String]) {
            self.requestID = requestID
            self.tenant = tenant
            self.purpose = purpose
            self.requestedClaims = requestedClaims.sorted()
            self.subjectFields = subjectFields.sorted()
        }
    }

    /// The policy's decision: permit or deny, the lawful basis, the region.
    public struct PolicyDecision: Sendable, Hashable {
        /// Whether the request may go to a DP.
        public var permitted: Bool
        /// The lawful basis the decision rests on.
        public var lawfulBasis: String?
        /// The region chosen, if permitted.
        public var region: String?
        /// Regions allowed, in failover order.
        public var allowedRegions: [String]
        /// A reason code for a denial (`residency_not_allowed`, …).
        public var reasonCode: String?

        /// - Parameters: the fields above.
        public init(permitted: Bool, lawfulBasis: String?, region: String?, allowedRegions: [String], reasonCode: String?) {
            self.permitted = permitted
            self.lawfulBasis = lawfulBasis
            self.region = region
            self.allowedRegions = allowedRegions
            self.reasonCode = reasonCode
        }
    }

    /// One HTTP round with a DP endpoint.
    public struct DPExchange: Sendable, Hashable {
        /// The connector's name.
        public var connector: String
        /// The connector's version.
        public var connectorVersion: String
        /// The region the endpoint belongs to.
        public var region: String
        /// The region's base URL (scheme, host, port, path; no query or user info).
        public var endpoint: String
        /// 0-based index of the round within the connector's exchange.
        public var index: Int
        /// The HTTP status, or `nil` when no response arrived.
        public var httpStatus: Int?
        /// The digest of the response body as received.
        public var responseDigest: ContentDigest?
        /// The body's length in bytes.
        public var responseBytes: Int?
        /// The verified signature, when the DP signs its responses.
        public var signature: Signature?
        /// An error code when the round failed (`timeout`, `connector_error`, …).
        public var errorCode: String?

        /// - Parameters: the fields above.
        public init(connector: String, connectorVersion: String, region: String, endpoint: String, index: Int, httpStatus: Int?,
                    responseDigest: ContentDigest?, responseBytes: Int?, signature: Signature? = nil, errorCode: String? = nil) {
            self.connector = connector
            self.connectorVersion = connectorVersion
            self.region = region
            self.endpoint = endpoint
            self.index = index
            self.httpStatus = httpStatus
            self.responseDigest = responseDigest
            self.responseBytes = responseBytes
            self.signature = signature
            self.errorCode = errorCode
        }
    }

    /// A DP signature as verified (``ResponseSignatureVerifier``).
    public struct Signature: Sendable, Hashable {
        /// `jws` or `http-message-signatures`.
        public var scheme: String
        /// The signer's key id.
        public var keyID: String
        /// The algorithm.
        public var algorithm: String

        /// - Parameters: the fields above.
        public init(scheme: String, keyID: String, algorithm: String) {
            self.scheme = scheme
            self.keyID = keyID
            self.algorithm = algorithm
        }
    }

    /// Validation against a JSON Schema.
    public struct Validation: Sendable, Hashable {
        /// Which document was checked: `input` (the subject) or `output` (the DP's result).
        public var target: String
        /// The schema's name or `$id`.
        public var schema: String
        /// The failures by JSON Pointer and keyword (messages are not kept:
        /// some quote the value).
        public var errors: [Failure]
        /// The digest of the validated document.
        public var digest: ContentDigest?

        /// Whether the document was valid.
        public var valid: Bool { errors.isEmpty }

        /// One failure.
        public struct Failure: Sendable, Hashable {
            /// The JSON Pointer of the failing value.
            public var pointer: String
            /// The failing keyword's location in the schema (`/properties/birthdate/format`).
            public var keyword: String
            /// - Parameters: the fields above.
            public init(pointer: String, keyword: String) {
                self.pointer = pointer
                self.keyword = keyword
            }
        }

        /// - Parameters: the fields above.
        public init(target: String, schema: String, errors: [Failure], digest: ContentDigest?) {
            self.target = target
            self.schema = schema
            self.errors = errors
            self.digest = digest
        }
    }

    /// One transform step.
    public struct Transform: Sendable, Hashable {
        /// What the step did (names only).
        public var step: TransformStepRecord
        /// The digest of the record after the last step (only on the last).
        public var outputDigest: ContentDigest?

        /// - Parameters: the fields above.
        public init(step: TransformStepRecord, outputDigest: ContentDigest?) {
            self.step = step
            self.outputDigest = outputDigest
        }
    }

    /// What minimisation released and left out, by name.
    public struct Minimisation: Sendable, Hashable {
        /// Released claim names.
        public var released: [String]
        /// Requested, not releasable.
        public var withheld: [String]
        /// Requested, releasable, absent.
        public var unavailable: [String]
        /// Present, not released.
        public var dropped: [String]

        /// - Parameters: the fields above.
        public init(released: [String], withheld: [String], unavailable: [String], dropped: [String]) {
            self.released = released
            self.withheld = withheld
            self.unavailable = unavailable
            self.dropped = dropped
        }
    }

    /// The released claims, by name and digest.
    public struct Claims: Sendable, Hashable {
        /// Claim names.
        public var names: [String]
        /// The digest of the claims object.
        public var digest: ContentDigest

        /// - Parameters: the fields above.
        public init(names: [String], digest: ContentDigest) {
            self.names = names
            self.digest = digest
        }
    }

    /// The issued credential, by format and digest.
    public struct Credential: Sendable, Hashable {
        /// The credential format (`jwt_vc_json`, `dc+sd-jwt`, `mso_mdoc`, …).
        public var format: String
        /// The digest of the credential as issued.
        public var digest: ContentDigest

        /// - Parameters: the fields above.
        public init(format: String, digest: ContentDigest) {
            self.format = format
            self.digest = digest
        }
    }
}
