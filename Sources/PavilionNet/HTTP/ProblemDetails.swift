import PavilionCore

/// An RFC 9457 problem: `type`, `title`, `status`, `detail`, plus our stable `code`.
public struct ProblemDetails: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The stable machine code; `type` is `https://pavilion.dev/problems/<code>`.
    public var code: String
    /// A short summary of the problem type.
    public var title: String
    /// This occurrence.
    public var detail: String

    /// - Parameters: the fields above.
    public init(status: Int, code: String, title: String, detail: String) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
    }

    /// The problem for a refused request.
    public init(_ error: HTTPParserError) {
        self.init(status: error.status, code: error.code.rawValue, title: HTTPStatus.reason(error.status), detail: error.detail)
    }

    /// The JSON document.
    public var json: [UInt8] {
        let value: JSONValue = .object([
            "type": .string("https://pavilion.dev/problems/\(code.replacingOccurrences(of: "_", with: "-"))"),
            "title": .string(title), "status": .int(Int64(status)), "detail": .string(detail), "code": .string(code),
        ])
        return value.serializedBytes
    }
}

/// Reason phrases.
public enum HTTPStatus {
    /// The reason phrase of `status`, e.g. `Not Found`.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
