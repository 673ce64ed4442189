import PavilionCore

/// What a status check found. A verifier reports ``revoked`` or
/// ``suspended`` only when it read a verified, fresh list that says so;
/// whenever it could not read one, the answer is ``undetermined(_:)`` with
/// the reason — never `revoked`.
public enum StatusCheckResult: Sendable, Equatable, CustomStringConvertible {
    /// The list says VALID (0x00 / bit unset).
    case valid
    /// INVALID (0x01) in a Token Status List; a set `revocation` bit.
    case revoked
    /// SUSPENDED (0x02) in a Token Status List; a set `suspension` bit.
    case suspended
    /// Another value: an application-specific Token Status List value, or
    /// a `message` / `refresh` purpose value with its `statusMessage`.
    case other(value: Int, message: String?)
    /// No statement can be made: the list could not be fetched, parsed,
    /// trusted, was stale, or does not cover the index.
    case undetermined(UndeterminedReason)

    /// `valid`, `revoked`, `suspended`, `other` or `undetermined`, for reports.
    public var name: String {
        switch self {
        case .valid: return "valid"
        case .revoked: return "revoked"
        case .suspended: return "suspended"
        case .other: return "other"
        case .undetermined: return "undetermined"
        }
    }

    /// The result as a JSON report member: `{"status": …}` plus `value`,
    /// `message`, or `reason` and `detail`.
    public var jsonValue: JSONValue {
        switch self {
        case .valid, .revoked, .suspended:
            return ["status": .string(name)]
        case .other(let value, let message):
            var object: [String: JSONValue] = ["status": .string(name), "value": .int(Int64(value))]
            if let message { object["message"] = .string(message) }
            return .object(object)
        case .undetermined(let reason):
            return ["status": .string(name), "reason": .string(reason.code.rawValue), "detail": .string(reason.detail)]
        }
    }

    public var description: String {
        switch self {
        case .undetermined(let reason): return "undetermined (\(reason))"
        case .other(let value, let message): return "other \(value)" + (message.map { " (\($0))" } ?? "")
        default: return name
        }
    }
}

/// Why a status could not be determined.
public struct UndeterminedReason: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of reason.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The list could not be fetched (network, HTTP error, timeout).
        case unreachable
        /// The fetched list is not a well-formed token, credential or list.
        case unparsable
        /// The list's signature does not verify under a trusted key.
        case badSignature
        /// The list is past its `exp` / `validUntil` (or before `validFrom`).
        case expired
        /// The cached list is older than its `ttl` (or the verifier's maximum
        /// age) and a fresh copy could not be obtained.
        case stale
        /// The index is beyond the end of the list.
        case indexOutOfRange
        /// The list is shorter than the herd-privacy minimum.
        case listTooShort
        /// The list is not the one the credential names (`sub` ≠ `uri`,
        /// `id` ≠ `statusListCredential`) or lacks the entry's purpose.
        case mismatch
    }

    /// The kind of reason.
    public let code: Code
    /// What exactly happened.
    public let detail: String

    /// - Parameters:
    ///   - code: the kind of reason.
    ///   - detail: what exactly happened.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// Equal by code, like the error types.
    public static func == (lhs: UndeterminedReason, rhs: UndeterminedReason) -> Bool { lhs.code == rhs.code }

    /// The reason a list error amounts to.
    init(_ error: StatusListError) {
        switch error.code {
        case .badSignature: self.init(.badSignature, error.reason)
        case .expired: self.init(.expired, error.reason)
        case .indexOutOfRange: self.init(.indexOutOfRange, error.reason)
        case .listTooShort: self.init(.listTooShort, error.reason)
        default: self.init(.unparsable, error.description)
        }
    }
}
