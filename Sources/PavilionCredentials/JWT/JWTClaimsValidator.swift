import Foundation
import PavilionCore

/// The time checks of RFC 7519 §4.1.4–4.1.6 against an injected clock:
/// `exp` must be after now, `nbf` and `iat` not after now, each with a
/// leeway for clock skew; optionally `iat` no older than a maximum age.
public struct JWTClaimsValidator: Sendable {
    /// Seconds of tolerated clock skew in either direction.
    public var leeway: TimeInterval
    /// Refuse tokens without `exp`.
    public var requireExpiration: Bool
    /// Refuse tokens without `iat`.
    public var requireIssuedAt: Bool
    /// Refuse tokens whose `iat` is older than this (per-tenant maximum age).
    public var maximumAge: TimeInterval?

    /// - Parameters:
    ///   - leeway: seconds of skew, 60 unless given.
    ///   - requireExpiration: refuse tokens without `exp`.
    ///   - requireIssuedAt: refuse tokens without `iat`.
    ///   - maximumAge: the largest age of `iat`, if limited.
    public init(leeway: TimeInterval = 60, requireExpiration: Bool = false, requireIssuedAt: Bool = false,
                maximumAge: TimeInterval? = nil) {
        self.leeway = leeway
        self.requireExpiration = requireExpiration
        self.requireIssuedAt = requireIssuedAt
        self.maximumAge = maximumAge
    }

    /// Check the time claims of `claims` at `clock.now`.
    /// - Parameters:
    ///   - claims: the JWT claims.
    ///   - clock: the current time.
    /// - Throws: ``JWTError`` `malformedClaims`, `missingClaim`, `expired`, `notYetValid`, `issuedInFuture`, `tooOld`.
    public func validate(_ claims: [String: JSONValue], clock: some CredentialClock) throws(JWTError) {
        let now = clock.now.timeIntervalSince1970
        let exp = try Self.numericDate(claims, "exp")
        let nbf = try Self.numericDate(claims, "nbf")
        let iat = try Self.numericDate(claims, "iat")
        if requireExpiration, exp == nil { throw JWTError(.missingClaim, "the token has no exp") }
        if requireIssuedAt || maximumAge != nil, iat == nil { throw JWTError(.missingClaim, "the token has no iat") }
        if let exp, now >= exp + leeway { throw JWTError(.expired, "the token expired at \(Self.describe(exp))") }
        if let nbf, nbf > now + leeway { throw JWTError(.notYetValid, "the token is not valid before \(Self.describe(nbf))") }
        if let iat {
            if iat > now + leeway { throw JWTError(.issuedInFuture, "the token is issued at \(Self.describe(iat)), in the future") }
            if let maximumAge, now - iat > maximumAge + leeway {
                throw JWTError(.tooOld, "the token was issued at \(Self.describe(iat)), more than \(Int(maximumAge)) s ago")
            }
        }
    }

    /// A NumericDate claim (a JSON number of seconds), or `nil` when absent.
    /// - Throws: ``JWTError`` `malformedClaims` when present but not a finite number.
    static func numericDate(_ claims: [String: JSONValue], _ name: String) throws(JWTError) -> Double? {
        guard let value = claims[name] else { return nil }
        guard let seconds = value.doubleValue, seconds.isFinite else {
            throw JWTError(.malformedClaims, "\(name) is a \(value.typeName), not a NumericDate")
        }
        return seconds
    }

    private static func describe(_ seconds: Double) -> String { DateTimeStamp.format(Date(timeIntervalSince1970: seconds)) }
}
