import PavilionCore

/// The JWT VC Issuer Metadata document an issuer serves at
/// `/.well-known/jwt-vc-issuer` (draft-ietf-oauth-sd-jwt-vc §5): its
/// identifier and its keys, by value (`jwks`) or by reference (`jwks_uri`).
public struct JWTVCIssuerMetadata: Sendable, Equatable {
    /// Where the keys are.
    public enum Keys: Sendable, Equatable {
        /// `jwks`: the key set itself.
        case jwks(JWKSet)
        /// `jwks_uri`: an HTTPS URL of the key set.
        case jwksURI(String)
    }

    /// `issuer`: must equal the credentials' `iss`.
    public let issuer: String
    /// The keys.
    public let keys: Keys

    /// - Parameters:
    ///   - issuer: the issuer identifier (an HTTPS URL without query or fragment).
    ///   - keys: the keys or their URL.
    /// - Throws: ``SDJWTError`` `metadataInvalid` for an issuer that is not such a URL.
    public init(issuer: String, keys: Keys) throws(SDJWTError) {
        _ = try Self.wellKnownURL(forIssuer: issuer)
        self.issuer = issuer
        self.keys = keys
    }

    /// Parse a fetched document and check it belongs to `expectedIssuer`.
    /// - Parameters:
    ///   - bytes: the document.
    ///   - expectedIssuer: the `iss` of the credential being verified.
    /// - Throws: ``SDJWTError`` `metadataInvalid`: not JSON, `issuer` missing or
    ///   different, both or neither of `jwks` and `jwks_uri`, an unreadable key set.
    public init(parsing bytes: [UInt8], expectedIssuer: String) throws(SDJWTError) {
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: bytes) } catch { throw SDJWTError(.metadataInvalid, "issuer metadata is not JSON: \(error)") }
        guard let issuer = json["issuer"]?.stringValue else { throw SDJWTError(.metadataInvalid, "issuer metadata has no issuer string") }
        guard issuer == expectedIssuer else {
            throw SDJWTError(.metadataInvalid, "issuer metadata is for \(issuer), not \(expectedIssuer)")
        }
        switch (json["jwks"], json["jwks_uri"]) {
        case (let jwks?, nil):
            do { try self.init(issuer: issuer, keys: .jwks(try JWKSet(json: jwks))) } catch let error as SDJWTError { throw error } catch {
                throw SDJWTError(.metadataInvalid, "jwks is not a usable key set: \(error)")
            }
        case (nil, let uri?):
            guard let text = uri.stringValue, text.hasPrefix("https://") else {
                throw SDJWTError(.metadataInvalid, "jwks_uri must be an https URL")
            }
            try self.init(issuer: issuer, keys: .jwksURI(text))
        default:
            throw SDJWTError(.metadataInvalid, "issuer metadata must hold exactly one of jwks and jwks_uri")
        }
    }

    /// The document as JSON, for the host to serve (public keys only).
    /// - Throws: ``SDJWTError`` `cryptoFailure` if a key cannot be serialised.
    public func jsonValue() throws(SDJWTError) -> JSONValue {
        var members: [String: JSONValue] = ["issuer": .string(issuer)]
        switch keys {
        case .jwks(let set):
            var array: [JSONValue] = []
            for key in set.keys {
                do { array.append(try key.publicJWK.jsonValue()) } catch { throw SDJWTError(.cryptoFailure, "serialising a key: \(error)") }
            }
            members["jwks"] = .object(["keys": .array(array)])
        case .jwksURI(let uri):
            members["jwks_uri"] = .string(uri)
        }
        return .object(members)
    }

    /// Where an issuer's metadata lives: `/.well-known/jwt-vc-issuer` inserted
    /// between the host and the path of `issuer`, e.g.
    /// `https://example.com/tenant/1234` →
    /// `https://example.com/.well-known/jwt-vc-issuer/tenant/1234`.
    /// - Parameter issuer: the issuer identifier.
    /// - Returns: the metadata URL.
    /// - Throws: ``SDJWTError`` `metadataInvalid` unless `issuer` is an https URL
    ///   without query, fragment or user information.
    public static func wellKnownURL(forIssuer issuer: String) throws(SDJWTError) -> String {
        let scheme = "https://"
        guard issuer.hasPrefix(scheme) else { throw SDJWTError(.metadataInvalid, "the issuer \(issuer) is not an https URL") }
        let rest = issuer.dropFirst(scheme.count)
        guard !rest.contains("?"), !rest.contains("#") else {
            throw SDJWTError(.metadataInvalid, "the issuer \(issuer) must not have a query or fragment")
        }
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.contains("@") else {
            throw SDJWTError(.metadataInvalid, "the issuer \(issuer) has no host, or user information")
        }
        var path = String(rest.dropFirst(authority.count))
        if path == "/" { path = "" }
        return scheme + authority + "/.well-known/jwt-vc-issuer" + path
    }
}
