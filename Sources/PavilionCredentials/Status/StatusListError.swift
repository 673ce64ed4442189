/// Why a status list, a status list entry or a status reference was
/// refused. Equal by ``code``; ``reason`` says what exactly.
public struct StatusListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Not base64url / multibase, not JSON, a member missing or mistyped.
        case invalidEncoding
        /// The compressed data does not decompress (zlib's call and message in the reason).
        case compression
        /// The list decompresses to more than the allowed size (a decompression bomb).
        case tooLarge
        /// `bits` / `statusSize` not allowed (Token Status List: 1, 2, 4, 8).
        case invalidBits
        /// A status value does not fit in the list's bits.
        case invalidStatus
        /// The index is negative or beyond the end of the list.
        case indexOutOfRange
        /// Fewer entries than the herd-privacy minimum.
        case listTooShort
        /// Every index of the list is allocated.
        case listFull
        /// The Status List Token (or status list credential) is not
        /// acceptable: `typ`, `sub`, `iat`, `ttl`, a missing claim.
        case invalidToken
        /// The signature does not verify, or no trusted key fits it.
        case badSignature
        /// Past `exp` / `validUntil`, or before `validFrom`.
        case expired
        /// The CSPRNG failed.
        case randomFailure
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what exactly was wrong.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: StatusListError, rhs: StatusListError) -> Bool { lhs.code == rhs.code }
}

extension Zlib {
    /// Compress, converting a zlib failure into ``StatusListError``.
    static func compress(_ bytes: [UInt8], format: Format) throws(StatusListError) -> [UInt8] {
        do { return try deflate(bytes, format: format) } catch {
            throw StatusListError(.compression, "\(error.call) returned \(error.code): \(error.reason)")
        }
    }

    /// Decompress at most `limit` bytes, converting a zlib failure into ``StatusListError``.
    static func decompress(_ bytes: [UInt8], format: Format, limit: Int) throws(StatusListError) -> [UInt8] {
        do { return try inflate(bytes, format: format, maximumOutput: limit) } catch {
            if error.reason.contains("exceeds the limit") { throw StatusListError(.tooLarge, "\(error.call): \(error.reason)") }
            throw StatusListError(.compression, "\(error.call) returned \(error.code): \(error.reason)")
        }
    }
}
