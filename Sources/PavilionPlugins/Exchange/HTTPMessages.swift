import PavilionCore

/// An HTTP request a connector asked the host to perform, validated.
public struct HTTPRequest: Sendable, Equatable, CustomStringConvertible {
    /// `GET`, `POST`, `PUT`, `DELETE`, `PATCH` or `HEAD`.
    public var method: String
    /// Path and query relative to the endpoint base URL; starts with `/`.
    public var path: String
    /// Extra header fields, in the plugin's order.
    public var headers: [(name: String, value: String)]
    /// The body; empty for none.
    public var body: [UInt8]
    /// Whether the request may be retried or hedged safely.
    public var idempotent: Bool
    /// Deadline for this round in milliseconds; 0 means the manifest default.
    public var timeoutMs: UInt32

    /// - Parameters: the fields as described above.
    public init(method: String, path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                idempotent: Bool = false, timeoutMs: UInt32 = 0) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.idempotent = idempotent
        self.timeoutMs = timeoutMs
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `METHOD path`.
    public var description: String { "\(method) \(path)" }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.path == b.path && a.body == b.body && a.idempotent == b.idempotent
            && a.timeoutMs == b.timeoutMs && a.headers.elementsEqual(b.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// An HTTP response the host received for a connector's request.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code, 100...599.
    public var status: Int
    /// Header fields as received.
    public var headers: [(name: String, value: String)]
    /// The whole body, de-chunked and size-capped.
    public var body: [UInt8]

    /// - Parameters: the fields as described above.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `json`, serialised, with `content-type: application/json`.
    public init(status: Int, json: JSONValue) {
        self.init(status: status, headers: [("content-type", "application/json")], body: json.serializedBytes)
    }

    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.body == b.body
            && a.headers.elementsEqual(b.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// What a connector wants next.
public enum ExchangeStep: Sendable, Equatable {
    /// Perform this request and pass its response to ``Exchange/step(_:)``.
    case request(HTTPRequest)
    /// Run this PSI against the DP and pass the answer
    /// (``PSIStepRequest/answer(intersection:)`` or
    /// ``PSIStepRequest/answer(cardinality:)``) to ``Exchange/step(_:)``. ABI 2.
    case psi(PSIStepRequest)
    /// Done: a JSON object mapping each asked-for claim to its value.
    case result(JSONValue)
}
