import PavilionCore
import PavilionCrypto

extension JWK {
    /// The RFC 7638 thumbprint input: the required members only, sorted,
    /// without whitespace.
    public var thumbprintInput: [UInt8] { JSONValue.object(requiredMembers).serializedBytes }

    /// The RFC 7638 JWK thumbprint with SHA-256, base64url-encoded.
    public var thumbprint: String { Base64URL.encode(SHA256.hash(thumbprintInput)) }

    /// This JWK with `kid` set to its thumbprint, the convention Pavilion
    /// uses for the keys it publishes.
    public func withThumbprintKeyID() -> JWK {
        var copy = self
        copy.keyID = thumbprint
        return copy
    }
}
