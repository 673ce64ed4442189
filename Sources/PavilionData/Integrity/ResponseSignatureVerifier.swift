/// Checks a data provider's signature on its response before the host uses
/// the data. The credentials module implements it (JWS, or HTTP Message
/// Signatures, RFC 9421); PavilionData only names the seam and records the
/// outcome in lineage.
///
/// An implementation must not return without checking: it throws for a
/// missing, malformed or wrong signature, and for a key it does not trust.
public protocol ResponseSignatureVerifier: Sendable {
    /// The scheme it verifies.
    var scheme: ResponseSignatureScheme { get }

    /// Verify `response`.
    /// - Parameter response: the response as received, with what RFC 9421
    ///   needs to rebuild the signature base.
    /// - Returns: what was verified.
    /// - Throws: ``ResponseSignatureError``.
    func verify(_ response: SignedResponse) throws(ResponseSignatureError) -> VerifiedResponseSignature
}

/// How a data provider signs its responses (what a manifest will declare).
public enum ResponseSignatureScheme: String, Sendable, Hashable, CaseIterable {
    /// The body is a JWS (compact serialisation) whose payload is the data.
    case jws
    /// `Signature` and `Signature-Input` headers, RFC 9421.
    case httpMessageSignatures = "http-message-signatures"
}

/// A DP response as the transport received it.
public struct SignedResponse: Sendable, Hashable {
    /// The request's method, for RFC 9421's `@method` (via `req`).
    public var requestMethod: String
    /// The request's target URI, for `@target-uri`.
    public var requestTarget: String
    /// The HTTP status, for `@status`.
    public var status: Int
    /// Header fields in order received, names as received.
    public var headers: [(name: String, value: String)]
    /// The body bytes as received.
    public var body: [UInt8]

    /// - Parameters: the fields above.
    public init(requestMethod: String, requestTarget: String, status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.requestMethod = requestMethod
        self.requestTarget = requestTarget
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (a: SignedResponse, b: SignedResponse) -> Bool {
        a.requestMethod == b.requestMethod && a.requestTarget == b.requestTarget && a.status == b.status
            && a.body == b.body && a.headers.elementsEqual(b.headers, by: { $0.name == $1.name && $0.value == $1.value })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(requestMethod)
        hasher.combine(requestTarget)
        hasher.combine(status)
        hasher.combine(body)
        for h in headers {
            hasher.combine(h.name)
            hasher.combine(h.value)
        }
    }
}

/// What a verifier checked, for lineage: names and identifiers only.
public struct VerifiedResponseSignature: Sendable, Hashable {
    /// The scheme.
    public var scheme: ResponseSignatureScheme
    /// The signer's key id (`kid`, or RFC 9421 `keyid`).
    public var keyID: String
    /// The algorithm (`ES256`, `ed25519`, …).
    public var algorithm: String
    /// What the signature covers: RFC 9421 component ids, or `["payload"]` for a JWS.
    public var coveredComponents: [String]
    /// The data the host should use: for a JWS, the verified payload; for
    /// RFC 9421, the body.
    public var payload: [UInt8]

    /// - Parameters: the fields above.
    public init(scheme: ResponseSignatureScheme, keyID: String, algorithm: String, coveredComponents: [String], payload: [UInt8]) {
        self.scheme = scheme
        self.keyID = keyID
        self.algorithm = algorithm
        self.coveredComponents = coveredComponents
        self.payload = payload
    }
}

/// Why a response signature was refused. Equal by code.
public struct ResponseSignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; more may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The connector requires a signature and the response has none.
        public static let unsigned = Code("unsigned")
        /// The signature cannot be parsed.
        public static let malformed = Code("malformed")
        /// The key id is not one the connector trusts.
        public static let unknownKey = Code("unknownKey")
        /// The algorithm is not allowed.
        public static let algorithmNotAllowed = Code("algorithmNotAllowed")
        /// The signature does not verify.
        public static let badSignature = Code("badSignature")
        /// A component the policy requires is not covered (RFC 9421).
        public static let componentNotCovered = Code("componentNotCovered")
        /// Outside its validity window (`created`/`expires`).
        public static let expired = Code("expired")
    }

    /// The kind.
    public let code: Code
    /// Why, without quoting the response.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind.
    ///   - reason: why.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `badSignature: …`.
    public var description: String { "\(code): \(reason)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
