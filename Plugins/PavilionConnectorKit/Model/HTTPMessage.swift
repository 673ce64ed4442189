/// One HTTP header field. Names compare case-insensitively.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name, e.g. `accept`.
    public var name: String
    /// The field value.
    public var value: String

    /// - Parameters:
    ///   - name: the field name.
    ///   - value: the field value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request a connector wants the host to perform against the DP (`pv_request_t`).
public struct HTTPRequest: Sendable, Hashable {
    /// `GET`, `POST`, `PUT`, `DELETE`, `PATCH` or `HEAD`.
    public var method: String
    /// Path and query relative to the endpoint base URL, starting with `/`.
    public var path: String
    /// Extra header fields (the host sets Host, Content-Length, Connection itself).
    public var headers: [HTTPHeader]
    /// The body; empty for none.
    public var body: [UInt8]
    /// Whether the host may retry or hedge the request (`PV_REQUEST_IDEMPOTENT`).
    public var isIdempotent: Bool
    /// Deadline in milliseconds; 0 means the manifest's default.
    public var timeoutMilliseconds: UInt32

    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: path and query, starting with `/`.
    ///   - headers: extra header fields.
    ///   - body: the body bytes.
    ///   - isIdempotent: whether it may be retried (default: true for GET and HEAD).
    ///   - timeoutMilliseconds: deadline, 0 for the manifest's default.
    public init(method: String, path: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                isIdempotent: Bool? = nil, timeoutMilliseconds: UInt32 = 0) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent ?? (method == "GET" || method == "HEAD")
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// The DP's answer to an ``HTTPRequest`` (`pv_response_t`).
public struct HTTPResponse: Sendable, Hashable {
    /// HTTP status code, 100…599.
    public var status: Int
    /// Header fields as received.
    public var headers: [HTTPHeader]
    /// The whole body, de-chunked and size-capped by the host.
    public var body: [UInt8]

    /// - Parameters:
    ///   - status: the status code.
    ///   - headers: the header fields.
    ///   - body: the body bytes.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive), if present.
    /// - Parameter name: the field name.
    /// - Returns: its value or `nil`.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
