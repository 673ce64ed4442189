import PavilionCrypto

/// The Data Integrity cryptosuites Pavilion implements, both over RFC 8785
/// JCS: `ecdsa-jcs-2019` (W3C vc-di-ecdsa §3.3) and `eddsa-jcs-2022`
/// (W3C vc-di-eddsa §3.3).
public enum DataIntegrityCryptosuite: String, Sendable, Hashable, CaseIterable {
    /// ECDSA on P-256 (SHA-256) or P-384 (SHA-384); signature raw `r || s`.
    case ecdsaJcs2019 = "ecdsa-jcs-2019"
    /// Ed25519 over SHA-256 hashes; 64-byte signature.
    case eddsaJcs2022 = "eddsa-jcs-2022"

    /// The hash for the proof configuration and the document under `key`:
    /// SHA-384 for P-384, SHA-256 otherwise.
    /// - Parameter key: the signing or verifying key.
    /// - Returns: the hash.
    /// - Throws: ``DataIntegrityError`` `keyMismatch` when the key does not fit the suite.
    func digest(for key: JWK) throws(DataIntegrityError) -> DigestAlgorithm {
        switch (self, key.material) {
        case (.ecdsaJcs2019, .ec(let k, _)): return k.curve.digest
        case (.eddsaJcs2022, .ed25519): return .sha256
        default: throw DataIntegrityError(.keyMismatch, "\(rawValue) cannot use a \(key.keyType) key")
        }
    }
}
