import PavilionCore

/// `exp`, `nbf` and `iat` checks on a processed payload (RFC 7519 §4.1.4–6),
/// private to SD-JWT so it does not wait for the shared JWT module.
enum SDJWTTimeClaims {
    /// The claim as whole seconds, `nil` when absent.
    /// - Throws: ``SDJWTError`` `invalidClaim` when it is not a number.
    static func seconds(_ name: String, in claims: [String: JSONValue]) throws(SDJWTError) -> Int64? {
        guard let value = claims[name] else { return nil }
        guard let number = value.doubleValue, number.isFinite, abs(number) < 1e15 else {
            throw SDJWTError(.invalidClaim, "\(name) is a \(value.typeName), not a NumericDate")
        }
        return Int64(number.rounded(.down))
    }

    /// Refuse an expired or not yet valid claims set.
    /// - Parameters:
    ///   - claims: the processed payload.
    ///   - now: the verifier's time, Unix seconds.
    ///   - skew: the clock skew allowed, seconds.
    /// - Throws: ``SDJWTError`` `expired`, `notYetValid` or `invalidClaim`.
    static func check(_ claims: [String: JSONValue], now: Int64, skew: Int64) throws(SDJWTError) {
        if let exp = try seconds("exp", in: claims), now >= exp + skew {
            throw SDJWTError(.expired, "expired at \(exp), now is \(now)")
        }
        if let nbf = try seconds("nbf", in: claims), now + skew < nbf {
            throw SDJWTError(.notYetValid, "not valid before \(nbf), now is \(now)")
        }
        if let iat = try seconds("iat", in: claims), now + skew < iat {
            throw SDJWTError(.notYetValid, "issued at \(iat), in the future (now is \(now))")
        }
    }
}
