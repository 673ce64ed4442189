import PavilionCrypto

/// W3C Subresource Integrity values (`sha256-<base64>`, several separated by
/// spaces), as `vct#integrity` uses them.
enum SubresourceIntegrity {
    /// The SRI value for `bytes` with SHA-256.
    static func value(for bytes: [UInt8]) -> String {
        "sha256-" + standardBase64(Base64URL.encode(SHA256.hash(bytes)))
    }

    /// Refuse `bytes` unless one of the strongest hashes in `integrity` matches.
    /// - Throws: ``SDJWTError`` `metadataInvalid`.
    static func check(_ bytes: [UInt8], against integrity: String) throws(SDJWTError) {
        var candidates: [(DigestAlgorithm, String)] = []
        for token in integrity.split(separator: " ") {
            let parts = token.split(separator: "-", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let algorithm: DigestAlgorithm
            switch parts[0] {
            case "sha256": algorithm = .sha256
            case "sha384": algorithm = .sha384
            case "sha512": algorithm = .sha512
            default: continue
            }
            let digest = parts[1].split(separator: "?", maxSplits: 1)[0]
            candidates.append((algorithm, String(digest)))
        }
        guard let strongest = candidates.map(\.0.outputLength).max() else {
            throw SDJWTError(.metadataInvalid, "integrity \(integrity) names no sha256, sha384 or sha512 hash")
        }
        for (algorithm, expected) in candidates where algorithm.outputLength == strongest {
            if standardBase64(Base64URL.encode(algorithm.hash(bytes))) == expected { return }
        }
        throw SDJWTError(.metadataInvalid, "the document does not match its integrity hash \(integrity)")
    }

    /// Base64url without padding to standard base64 with padding.
    private static func standardBase64(_ url: String) -> String {
        var out = String(url.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while out.count % 4 != 0 { out += "=" }
        return out
    }
}
