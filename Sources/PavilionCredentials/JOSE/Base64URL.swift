import PavilionCore

/// Base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it), strict:
/// PavilionCore's ``Base64URLCoding`` with its failures as JOSE errors.
public enum Base64URL {
    /// `bytes` as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String { Base64URLCoding.encode(bytes) }

    /// The bytes of unpadded base64url `text`.
    /// - Parameter text: the encoded text.
    /// - Returns: the decoded bytes.
    /// - Throws: ``JOSEError/Code/invalidEncoding`` for anything but canonical unpadded base64url.
    public static func decode(_ text: some StringProtocol) throws(JOSEError) -> [UInt8] {
        do { return try Base64URLCoding.decode(text) } catch { throw JOSEError(.invalidEncoding, error.description) }
    }
}
