import PavilionCrypto

/// A W3C Trace Context `traceparent` (version 00): the caller's trace is
/// continued with a new span id; without a valid one, a new trace starts.
public struct TraceContext: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits, not all zero.
    public var traceID: String
    /// 16 lowercase hex digits, not all zero: this hop's span.
    public var spanID: String
    /// `01` when sampled.
    public var flags: String

    /// Continue `header` (the caller's `traceparent`) or start a new trace.
    /// - Parameter header: the incoming value, if any.
    /// - Returns: a context with a fresh span id.
    public static func continuing(_ header: String?) -> TraceContext {
        let span = randomHex(8, fallback: "00f067aa0ba902b7")
        if let header, let parsed = parse(header) {
            return TraceContext(traceID: parsed.traceID, spanID: span, flags: parsed.flags)
        }
        return TraceContext(traceID: randomHex(16, fallback: "4bf92f3577b34da6a3ce929d0e0e4736"), spanID: span, flags: "01")
    }

    /// Parse `00-<trace-id>-<parent-id>-<flags>`; `nil` when malformed.
    public static func parse(_ text: String) -> TraceContext? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", isHex(parts[0]),
              parts[1].count == 32, isHex(parts[1]), parts[1] != String(repeating: "0", count: 32),
              parts[2].count == 16, isHex(parts[2]), parts[2] != String(repeating: "0", count: 16),
              parts[3].count == 2, isHex(parts[3]) else { return nil }
        if parts[0] == "00", parts.count != 4 { return nil }
        return TraceContext(traceID: parts[1], spanID: parts[2], flags: parts[3])
    }

    /// The header value, `00-<trace>-<span>-<flags>`.
    public var description: String { "00-\(traceID)-\(spanID)-\(flags)" }

    private static func isHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    private static func randomHex(_ bytes: Int, fallback: String) -> String {
        guard let hex = RandomHex.make(bytes: bytes), hex.utf8.contains(where: { $0 != UInt8(ascii: "0") }) else { return fallback }
        return hex
    }
}
