import Foundation
import PavilionCore

/// A JWT whose signature, `typ` and time claims were checked.
public struct VerifiedJWT: Sendable {
    /// The protected header.
    public let header: [String: JSONValue]
    /// The claims.
    public let claims: [String: JSONValue]
    /// The algorithm that verified.
    public let algorithm: JWSAlgorithm
}

/// JSON Web Tokens (RFC 7519) over ``JWS`` compact serialisation, with
/// strict `typ` and `iat`/`nbf`/`exp` checks (RFC 8725 §3.11, §2.1).
public enum JWT {
    /// Sign `claims` as a JWT.
    /// - Parameters:
    ///   - claims: the claims (a JSON object); its members are written with sorted keys.
    ///   - signer: the key.
    ///   - type: the `typ` header, e.g. `vc+jwt`; `nil` leaves it out.
    ///   - header: more protected header members (e.g. `kid`); not `alg`.
    /// - Returns: the compact JWT.
    /// - Throws: ``JOSEError`` from signing.
    public static func sign(claims: [String: JSONValue], signer: some JWSSigner, type: String?,
                            header: [String: JSONValue] = [:]) throws(JOSEError) -> String {
        var header = header
        if let type { header["typ"] = .string(type) }
        return try JWS.signCompact(payload: JSONValue.object(claims).serializedBytes, signer: signer, header: header)
    }

    /// Verify a compact JWT.
    /// - Parameters:
    ///   - token: the compact JWT.
    ///   - key: the issuer's key.
    ///   - allowedAlgorithms: the algorithms accepted.
    ///   - expectedType: the `typ` the token must carry (compared as a media type:
    ///     case-insensitively, `application/` optional); `nil` accepts any or none.
    ///   - validator: the time checks.
    ///   - clock: the current time.
    /// - Returns: the header and claims.
    /// - Throws: ``JWTError`` naming the failed check.
    public static func verify(_ token: String, key: JWK, allowedAlgorithms: Set<JWSAlgorithm>, expectedType: String?,
                              validator: JWTClaimsValidator = JWTClaimsValidator(),
                              clock: some CredentialClock) throws(JWTError) -> VerifiedJWT {
        let verified: VerifiedJWS
        do { verified = try JWS.verifyCompact(token, key: key, allowedAlgorithms: allowedAlgorithms) } catch {
            throw JWTError(.signature, error.description, jose: error)
        }
        try checkType(verified.protectedHeader, expected: expectedType)
        let claims = try decodeClaims(verified.payload)
        try validator.validate(claims, clock: clock)
        return VerifiedJWT(header: verified.protectedHeader, claims: claims, algorithm: verified.algorithm)
    }

    /// Check `typ` as a media type (RFC 7515 §4.1.9).
    /// - Throws: ``JWTError`` `typeMismatch`.
    static func checkType(_ header: [String: JSONValue], expected: String?) throws(JWTError) {
        guard let expected else { return }
        guard let typ = header["typ"]?.stringValue else { throw JWTError(.typeMismatch, "the token has no typ; \(expected) is required") }
        guard normaliseMediaType(typ) == normaliseMediaType(expected) else {
            throw JWTError(.typeMismatch, "typ is \(typ), expected \(expected)")
        }
    }

    /// The claims object of a payload; duplicate names are refused by the parser.
    /// - Throws: ``JWTError`` `malformedClaims`.
    static func decodeClaims(_ payload: [UInt8]) throws(JWTError) -> [String: JSONValue] {
        let value: JSONValue
        do { value = try JSONParser().parse(bytes: payload) } catch { throw JWTError(.malformedClaims, "the payload is not JSON: \(error)") }
        guard let claims = value.objectValue else { throw JWTError(.malformedClaims, "the payload is a \(value.typeName), not an object") }
        for name in ["iss", "sub", "jti"] where claims[name] != nil && claims[name]?.stringValue == nil {
            throw JWTError(.malformedClaims, "\(name) is not a string")
        }
        if let aud = claims["aud"], aud.stringValue == nil, !(aud.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false) {
            throw JWTError(.malformedClaims, "aud is neither a string nor an array of strings")
        }
        return claims
    }

    private static func normaliseMediaType(_ type: String) -> String {
        let lower = type.lowercased()
        return lower.hasPrefix("application/") ? String(lower.dropFirst("application/".count)) : lower
    }
}
