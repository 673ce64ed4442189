/// A check a credential failed, named for the verification report.
public enum VCCheck: String, Sendable, Hashable, CaseIterable {
    /// The JWS signature (and algorithm, key fit).
    case signature
    /// The media type: `typ` must be `vc+jwt`, `cty` absent or `vc`.
    case mediaType
    /// The W3C VC Data Model 2.0 rules.
    case dataModel
    /// The issuer: `iss` and the `kid` DID agree with the credential's `issuer`.
    case issuer
    /// The key: resolving the `kid` to a key authorised for `assertionMethod`.
    case keyResolution
    /// `validFrom`/`validUntil` against now.
    case validityPeriod
    /// The JWT freshness claims `iat`/`nbf`/`exp` against now.
    case freshness
}

/// Why a credential was not built or not accepted. Equal by ``check``.
public struct VCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The check that failed.
    public let check: VCCheck
    /// What exactly was wrong.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - check: the check that failed.
    ///   - reason: what exactly was wrong.
    public init(_ check: VCCheck, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.check = check
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(check.rawValue): \(reason)" }

    public static func == (lhs: VCError, rhs: VCError) -> Bool { lhs.check == rhs.check }
}
