import PavilionCore
import PavilionNet

/// An error the API answers with: an HTTP status and a stable machine code,
/// rendered as RFC 9457 problem details (`application/problem+json`).
///
/// `detail` is written for the caller and must never hold a secret, a stack
/// trace or a subject's attribute values. Equal by code and status.
public struct APIProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// The stable code, e.g. `purpose_not_allowed`.
    public var code: String
    /// What happened in this instance.
    public var detail: String
    /// Extra members (e.g. `candidates`, `errors`).
    public var extensions: [String: JSONValue]
    /// Where the problem was made.
    public var file: String
    /// Where the problem was made.
    public var line: Int

    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - code: the stable code.
    ///   - detail: what happened.
    ///   - extensions: extra members.
    public init(_ status: Int, _ code: String, _ detail: String, extensions: [String: JSONValue] = [:],
                file: String = #fileID, line: Int = #line) {
        self.status = status
        self.code = code
        self.detail = detail
        self.extensions = extensions
        self.file = file
        self.line = line
    }

    /// `code (status): detail`.
    public var description: String { "\(code) (\(status)): \(detail)" }

    /// The problem document; `type` is `https://pavilion.dev/problems/<code>`.
    public func json(requestID: String) -> JSONValue {
        var members = extensions
        members["type"] = .string("https://pavilion.dev/problems/\(code.replacingOccurrences(of: "_", with: "-"))")
        members["title"] = .string(HTTPStatus.reason(status))
        members["status"] = .int(Int64(status))
        members["detail"] = .string(detail)
        members["code"] = .string(code)
        members["request_id"] = .string(requestID)
        return .object(members)
    }

    public static func == (a: APIProblem, b: APIProblem) -> Bool { a.code == b.code && a.status == b.status }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(status)
    }
}

extension APIProblem {
    /// 401: no key, or not a valid one.
    public static func unauthenticated(_ detail: String) -> APIProblem { APIProblem(401, "unauthenticated", detail) }
    /// 403: the key may not do this.
    public static func forbidden(_ detail: String) -> APIProblem { APIProblem(403, "forbidden", detail) }
    /// 400: the body is not JSON.
    public static func invalidJSON(_ detail: String) -> APIProblem { APIProblem(400, "invalid_json", detail) }
    /// 400: the body is JSON but not a valid request.
    public static func invalidRequest(_ detail: String) -> APIProblem { APIProblem(400, "invalid_request", detail) }
    /// 500: our bug or our store; details go to the log, not to the caller.
    public static func internalError() -> APIProblem {
        APIProblem(500, "internal_error", "the request could not be completed; quote the request id to the operator")
    }
}
