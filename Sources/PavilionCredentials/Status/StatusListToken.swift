import Foundation
import PavilionCore

/// A Status List Token in JWT form (draft-ietf-oauth-status-list §5.1):
/// header `typ: statuslist+jwt`, claims `sub` (the list URI), `iat`,
/// optional `exp` and `ttl` (seconds), and `status_list`.
public struct StatusListToken: Sendable {
    /// The `typ` header value.
    public static let type = "statuslist+jwt"
    /// The media type a Status Provider serves.
    public static let mediaType = "application/statuslist+jwt"

    /// `sub`: the URI the Referenced Tokens name.
    public var subject: String
    /// `iss`, if any.
    public var issuer: String?
    /// `iat`.
    public var issuedAt: Date
    /// `exp`, if any: after it the list must not be relied upon.
    public var expiresAt: Date?
    /// `ttl` in seconds, if any: how long a copy may be cached.
    public var timeToLive: Int?
    /// The list.
    public var statusList: StatusList

    /// - Parameters:
    ///   - subject: the list URI (`sub`).
    ///   - issuer: `iss`, optional.
    ///   - issuedAt: `iat`.
    ///   - expiresAt: `exp` (recommended).
    ///   - timeToLive: `ttl` in seconds (recommended, positive).
    ///   - statusList: the statuses.
    public init(subject: String, issuer: String? = nil, issuedAt: Date, expiresAt: Date? = nil,
                timeToLive: Int? = nil, statusList: StatusList) {
        self.subject = subject
        self.issuer = issuer
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.timeToLive = timeToLive
        self.statusList = statusList
    }

    /// The JWT claims set.
    /// - Throws: ``StatusListError`` `compression` when zlib fails.
    public func claims() throws(StatusListError) -> JSONValue {
        var claims: [String: JSONValue] = [
            "sub": .string(subject),
            "iat": .int(Int64(issuedAt.timeIntervalSince1970.rounded(.down))),
            "status_list": try statusList.jsonValue(),
        ]
        if let issuer { claims["iss"] = .string(issuer) }
        if let expiresAt { claims["exp"] = .int(Int64(expiresAt.timeIntervalSince1970.rounded(.down))) }
        if let timeToLive { claims["ttl"] = .int(Int64(timeToLive)) }
        return .object(claims)
    }

    /// Sign the token as a compact JWS with `typ: statuslist+jwt`.
    /// - Parameter signer: the Status Issuer's key (sets `alg` and `kid`).
    /// - Returns: the compact JWT.
    /// - Throws: ``StatusListError`` `compression`, or `invalidToken`
    ///   carrying the signer's ``JOSEError``.
    public func signed(by signer: some JWSSigner) throws(StatusListError) -> String {
        let payload = try claims().serializedBytes
        do {
            return try JWS.signCompact(payload: payload, signer: signer, header: ["typ": .string(Self.type)])
        } catch {
            throw StatusListError(.invalidToken, "signing failed: \(error)")
        }
    }

    /// Verify a Status List Token (§8.3 step 3–4): signature under one of
    /// `keys`, `typ`, required claims, `sub` equal to `expectedURI`, `exp`
    /// not passed and `iat` not in the future at `now`, `ttl` positive, and
    /// the list itself.
    /// - Parameters:
    ///   - jwt: the compact JWT.
    ///   - keys: the Status Issuer's trusted keys; one whose `kid` matches the header's is tried first.
    ///   - allowedAlgorithms: the JWS algorithms accepted.
    ///   - expectedURI: the `uri` from the Referenced Token, or nil not to check `sub`.
    ///   - now: the verification time.
    ///   - clockSkew: tolerance for `iat` and `exp`, in seconds.
    ///   - maximumBytes: the largest decompressed list accepted.
    /// - Returns: the token.
    /// - Throws: ``StatusListError``: `badSignature`, `invalidToken`,
    ///   `expired`, or the list's parsing errors.
    public static func verify(_ jwt: String, keys: [JWK], allowedAlgorithms: Set<JWSAlgorithm>, expectedURI: String?,
                              now: Date, clockSkew: TimeInterval = 60,
                              maximumBytes: Int = StatusList.defaultMaximumBytes) throws(StatusListError) -> StatusListToken {
        let verified = try verifySignature(jwt, keys: keys, allowedAlgorithms: allowedAlgorithms)
        guard let typ = verified.protectedHeader["typ"]?.stringValue,
              typ == type || typ == "application/" + type else {
            throw StatusListError(.invalidToken, "the JWT typ must be \(type)")
        }
        let claims: JSONValue
        do { claims = try JSONParser().parse(bytes: verified.payload) } catch {
            throw StatusListError(.invalidEncoding, "the payload is not JSON: \(error)")
        }
        let token = try StatusListToken(verifiedClaims: claims)
        if let expectedURI, token.subject != expectedURI {
            throw StatusListError(.invalidToken, "sub \(token.subject) is not the referenced uri \(expectedURI)")
        }
        if let expiresAt = token.expiresAt, now.timeIntervalSince(expiresAt) > clockSkew {
            throw StatusListError(.expired, "the Status List Token expired at \(expiresAt)")
        }
        if token.issuedAt.timeIntervalSince(now) > clockSkew {
            throw StatusListError(.invalidToken, "iat \(token.issuedAt) is in the future")
        }
        return token
    }

    private static func verifySignature(_ jwt: String, keys: [JWK],
                                        allowedAlgorithms: Set<JWSAlgorithm>) throws(StatusListError) -> VerifiedJWS {
        let header: [String: JSONValue]
        do { header = try JWS.unverifiedHeader(ofCompact: jwt) } catch {
            throw StatusListError(.invalidEncoding, "not a compact JWS: \(error.reason)")
        }
        let kid = header["kid"]?.stringValue
        let candidates = keys.filter { kid == nil || $0.keyID == nil || $0.keyID == kid }
        guard !candidates.isEmpty else { throw StatusListError(.badSignature, "no trusted key has kid \(kid ?? "-")") }
        var reasons: [String] = []
        for key in candidates {
            do {
                return try JWS.verifyCompact(jwt, key: key, allowedAlgorithms: allowedAlgorithms)
            } catch {
                if error.code == .invalidEncoding || error.code == .invalidHeader {
                    throw StatusListError(.invalidEncoding, error.description)
                }
                reasons.append(error.description)
            }
        }
        throw StatusListError(.badSignature, reasons.joined(separator: "; "))
    }

    /// Read the claims of a token whose signature has already been checked.
    /// - Throws: ``StatusListError`` `invalidToken` for a missing or
    ///   mistyped `sub`, `iat`, `exp`, `ttl` or `status_list`, and the
    ///   list's parsing errors.
    public init(verifiedClaims claims: JSONValue, maximumBytes: Int = StatusList.defaultMaximumBytes) throws(StatusListError) {
        guard claims.objectValue != nil else { throw StatusListError(.invalidToken, "the claims set is not an object") }
        guard let sub = claims["sub"]?.stringValue else { throw StatusListError(.invalidToken, "sub is missing or not a string") }
        guard let iat = claims["iat"]?.doubleValue else { throw StatusListError(.invalidToken, "iat is missing or not a number") }
        var expiresAt: Date?
        if let exp = claims["exp"] {
            guard let seconds = exp.doubleValue else { throw StatusListError(.invalidToken, "exp is not a number") }
            expiresAt = Date(timeIntervalSince1970: seconds)
        }
        var ttl: Int?
        if let value = claims["ttl"] {
            guard let seconds = value.intValue, seconds > 0 else { throw StatusListError(.invalidToken, "ttl must be a positive number") }
            ttl = Int(clamping: seconds)
        }
        var issuer: String?
        if let iss = claims["iss"] {
            guard let text = iss.stringValue else { throw StatusListError(.invalidToken, "iss is not a string") }
            issuer = text
        }
        guard let listValue = claims["status_list"] else { throw StatusListError(.invalidToken, "status_list is missing") }
        self.init(subject: sub, issuer: issuer, issuedAt: Date(timeIntervalSince1970: iat), expiresAt: expiresAt,
                  timeToLive: ttl, statusList: try StatusList(json: listValue, maximumBytes: maximumBytes))
    }
}
