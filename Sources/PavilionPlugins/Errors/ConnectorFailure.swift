/// Why an exchange did not produce a usable step: the plugin said so (with
/// a `PV_ERR_*` status), or the host refused what the plugin produced.
///
/// The message is the plugin's own (bounded to ``ConnectorFailure/maxMessageBytes``,
/// valid UTF-8, no control characters) or the host's. Two failures are equal
/// when their codes are.
public struct ConnectorFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable failure codes. The raw value is the snake_case name used in
    /// fixtures, logs and problem responses.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// `PV_ERR_INVALID_INPUT`: the query (or settings) is unusable.
        case invalidInput = "invalid_input"
        /// `PV_ERR_BAD_RESPONSE`: the DP's answer could not be interpreted.
        case badResponse = "bad_response"
        /// `PV_ERR_UPSTREAM`: the DP answered with an unrecoverable error.
        case upstream = "upstream"
        /// `PV_ERR_NOT_FOUND`: the DP does not know the subject.
        case notFound = "not_found"
        /// `PV_ERR_UNSUPPORTED`: the connector cannot do what was asked.
        case unsupported = "unsupported"
        /// `PV_ERR_STATE`, or a call the exchange's state does not allow
        /// (step before begin, step after the result, concurrent steps).
        case state = "state"
        /// `PV_ERR_NO_MEMORY`.
        case noMemory = "no_memory"
        /// `PV_ERR_HOST`: a host service the plugin needed failed.
        case host = "host"
        /// `PV_ERR_INTERNAL`: a bug in the plugin.
        case `internal` = "internal"
        /// The plugin returned a result that is not a JSON object of the
        /// claims the query asked for.
        case invalidResult = "invalid_result"
        /// The plugin asked for an HTTP request the host refuses to send.
        case invalidRequest = "invalid_request"
        /// The plugin returned a status code the ABI does not define.
        case unknownStatus = "unknown_status"
    }

    /// Longest message kept, in bytes of UTF-8.
    public static let maxMessageBytes = 512

    /// What went wrong.
    public var code: Code
    /// Why, in the plugin's or the host's words.
    public var message: String
    /// The `pv_status_t` the plugin returned, when the plugin reported it.
    public var pluginStatus: UInt32?

    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: why (bounded and sanitised here).
    ///   - pluginStatus: the raw status, when the plugin reported it.
    public init(_ code: Code, _ message: String, pluginStatus: UInt32? = nil) {
        self.code = code
        self.message = LogText.bounded(Array(message.utf8), limit: Self.maxMessageBytes)
        self.pluginStatus = pluginStatus
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (a: ConnectorFailure, b: ConnectorFailure) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension ConnectorFailure.Code {
    /// The code for a plugin's `pv_status_t`, or `nil` for PV_OK and for
    /// values the ABI does not define.
    init?(pluginStatus status: UInt32) {
        switch status {
        case ABI.Status.invalidInput: self = .invalidInput
        case ABI.Status.badResponse: self = .badResponse
        case ABI.Status.upstream: self = .upstream
        case ABI.Status.notFound: self = .notFound
        case ABI.Status.unsupported: self = .unsupported
        case ABI.Status.state: self = .state
        case ABI.Status.noMemory: self = .noMemory
        case ABI.Status.host: self = .host
        case ABI.Status.internal: self = .internal
        default: return nil
        }
    }
}
