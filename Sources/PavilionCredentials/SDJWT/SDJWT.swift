/// An SD-JWT or SD-JWT+KB in the compact serialisation (RFC 9901 §4):
/// `<Issuer-signed JWT>~<D1>~…~<Dn>~[<KB-JWT>]`.
///
/// This type only splits and joins; ``SDJWTVerifier`` checks.
public struct SDJWT: Sendable, Hashable {
    /// The issuer-signed JWT (a compact JWS).
    public var issuerSignedJWT: String
    /// The disclosures, as received (base64url), in order.
    public var disclosures: [String]
    /// The Key Binding JWT, or `nil` for a plain SD-JWT.
    public var keyBindingJWT: String?

    /// - Parameters:
    ///   - issuerSignedJWT: the compact JWS.
    ///   - disclosures: encoded disclosures.
    ///   - keyBindingJWT: the KB-JWT, if any.
    public init(issuerSignedJWT: String, disclosures: [String], keyBindingJWT: String? = nil) {
        self.issuerSignedJWT = issuerSignedJWT
        self.disclosures = disclosures
        self.keyBindingJWT = keyBindingJWT
    }

    /// Split a compact SD-JWT or SD-JWT+KB.
    /// - Parameter text: the serialisation.
    /// - Throws: ``SDJWTError`` `invalidSerialization` when there is no `~`, a
    ///   part is empty, or the JWT or KB-JWT is not three dot-separated parts.
    public init(parsing text: String) throws(SDJWTError) {
        let parts = text.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count >= 2 else {
            throw SDJWTError(.invalidSerialization, "an SD-JWT has at least one '~' (a JWT alone is not an SD-JWT)")
        }
        let jwt = parts[0]
        guard Self.isCompactJWS(jwt) else { throw SDJWTError(.invalidSerialization, "the issuer-signed JWT is not a compact JWS") }
        var disclosures: [String] = []
        for part in parts.dropFirst().dropLast() {
            guard !part.isEmpty else { throw SDJWTError(.invalidSerialization, "an empty disclosure (two '~' in a row)") }
            disclosures.append(String(part))
        }
        let last = parts[parts.count - 1]
        if last.isEmpty {
            keyBindingJWT = nil
        } else {
            guard Self.isCompactJWS(last) else {
                throw SDJWTError(.invalidSerialization, "the part after the last '~' is neither empty nor a compact JWT (a missing final '~'?)")
            }
            keyBindingJWT = String(last)
        }
        issuerSignedJWT = String(jwt)
        self.disclosures = disclosures
    }

    /// The SD-JWT without a KB-JWT: the JWT and each disclosure followed
    /// by `~`. This is also the input of the KB-JWT's `sd_hash` (RFC 9901 §4.3.1).
    public var sdJWTPart: String {
        ([issuerSignedJWT] + disclosures).joined(separator: "~") + "~"
    }

    /// The compact serialisation, with the KB-JWT when there is one.
    public var serialized: String { sdJWTPart + (keyBindingJWT ?? "") }

    private static func isCompactJWS(_ text: Substring) -> Bool {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        return pieces.count == 3 && !pieces[0].isEmpty && !pieces[1].isEmpty
    }
}
