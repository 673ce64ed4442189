import Foundation

/// Secret key material (a shared secret, a derived or content key) that is
/// wiped (`OPENSSL_cleanse`) when the last reference goes.
///
/// The bytes are handed to OpenSSL inside this module without copies; code
/// outside reads them only through ``withUnsafeBytes(_:)`` or the explicit
/// ``copyBytes()``, whose result the caller must wipe.
public final class SecretBytes: @unchecked Sendable {
    // @unchecked: `storage` is written only in `init` and `deinit`.
    private var storage: [UInt8]

    /// Take `bytes` as a secret; `bytes` is left empty so no copy lingers
    /// in the caller's variable.
    /// - Parameter bytes: the secret; emptied.
    public init(consuming bytes: inout [UInt8]) {
        storage = bytes
        bytes = []
    }

    /// A secret copied from `bytes`, e.g. a test vector. The caller owns and
    /// wipes `bytes`.
    /// - Parameter bytes: the secret.
    public convenience init(copying bytes: [UInt8]) {
        var copy = bytes
        self.init(consuming: &copy)
    }

    /// `count` fresh random bytes from the CSPRNG.
    /// - Throws: ``CryptoError`` when `RAND_bytes` fails.
    public convenience init(randomCount count: Int) throws(CryptoError) {
        var bytes = try SecureRandom.bytes(count)
        self.init(consuming: &bytes)
    }

    deinit { OpenSSL.cleanse(&storage) }

    /// The length in bytes.
    public var count: Int { storage.count }

    /// Run `body` over the secret bytes without copying them.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = storage.withUnsafeBytes { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// A copy of the bytes, for serialising. Wipe it (``ConstantTime/wipe(_:)``) when done.
    public func copyBytes() -> [UInt8] { storage }

    /// Whether both secrets are equal, in constant time.
    public func isEqual(to other: SecretBytes) -> Bool { ConstantTime.equal(storage, other.storage) }

    /// The bytes for OpenSSL calls inside this module.
    var bytes: [UInt8] { storage }
}
