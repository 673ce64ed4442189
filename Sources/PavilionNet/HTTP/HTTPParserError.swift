/// Why an HTTP message was refused, with the status the server answers and a
/// stable machine code (also the problem-details `code`).
public struct HTTPParserError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine codes.
    public enum Code: String, Sendable, Hashable {
        case invalidRequestLine = "invalid_request_line"
        case invalidStatusLine = "invalid_status_line"
        case invalidMethod = "invalid_method"
        case invalidTarget = "invalid_target"
        case unsupportedVersion = "unsupported_http_version"
        case uriTooLong = "uri_too_long"
        case headerSectionTooLarge = "header_section_too_large"
        case tooManyHeaders = "too_many_headers"
        case invalidHeaderName = "invalid_header_name"
        case invalidHeaderValue = "invalid_header_value"
        case obsoleteLineFolding = "obsolete_line_folding"
        case bareLineFeed = "bare_line_feed"
        case missingHost = "missing_host"
        case duplicateHost = "duplicate_host"
        case invalidContentLength = "invalid_content_length"
        case duplicateContentLength = "duplicate_content_length"
        case contentLengthWithTransferEncoding = "content_length_with_transfer_encoding"
        case unsupportedTransferEncoding = "unsupported_transfer_encoding"
        case invalidChunkSize = "invalid_chunk_size"
        case invalidChunkFraming = "invalid_chunk_framing"
        case bodyTooLarge = "body_too_large"
        case truncated = "truncated_message"
    }

    /// The machine code.
    public var code: Code
    /// A human sentence for the problem's `detail`.
    public var detail: String

    /// - Parameters: the fields above.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The status a server answers with.
    public var status: Int {
        switch code {
        case .uriTooLong: return 414
        case .headerSectionTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        case .unsupportedTransferEncoding: return 501
        default: return 400
        }
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    public static func == (lhs: HTTPParserError, rhs: HTTPParserError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
