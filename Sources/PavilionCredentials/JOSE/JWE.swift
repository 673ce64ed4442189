import PavilionCore
import PavilionCrypto

/// A JWE that decrypted and authenticated.
public struct DecryptedJWE: Sendable {
    /// The protected header.
    public let header: [String: JSONValue]
    /// The key-management algorithm used.
    public let keyManagement: JWEKeyManagementAlgorithm
    /// The content-encryption algorithm used.
    public let contentEncryption: JWEContentEncryptionAlgorithm
    /// The plaintext.
    public let plaintext: [UInt8]
}

/// JSON Web Encryption (RFC 7516), compact serialisation, with ECDH-ES or
/// ECDH-ES+A256KW key agreement on P-256/P-384 and AES-GCM content
/// encryption. Other algorithms and `zip` are refused.
public enum JWE {
    /// Encrypt `plaintext` to `recipient` and return the compact serialisation.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt.
    ///   - recipient: the recipient's EC P-256 or P-384 public key.
    ///   - keyManagement: the key-management algorithm; ECDH-ES+A256KW by default.
    ///   - contentEncryption: the content-encryption algorithm; A256GCM by default.
    ///   - header: more protected header members (e.g. `typ`, `cty`); must not set
    ///     `alg`, `enc`, `epk`, `apu`, `apv` or `zip`.
    ///   - partyUInfo: `apu`, if any.
    ///   - partyVInfo: `apv`, if any.
    /// - Returns: `header.encrypted_key.iv.ciphertext.tag`.
    /// - Throws: ``JOSEError`` `keyMismatch` for an unusable key, `invalidHeader`, `cryptoFailure`.
    public static func encryptCompact(_ plaintext: [UInt8], to recipient: JWK,
                                      keyManagement: JWEKeyManagementAlgorithm = .ecdhESA256KW,
                                      contentEncryption: JWEContentEncryptionAlgorithm = .a256gcm,
                                      header: [String: JSONValue] = [:], partyUInfo: [UInt8] = [],
                                      partyVInfo: [UInt8] = []) throws(JOSEError) -> String {
        guard case .ec(let recipientKey, _) = recipient.material else {
            throw JOSEError(.keyMismatch, "\(keyManagement.rawValue) needs an EC key, got \(recipient.describedType)")
        }
        try checkUse(recipient, keyManagement)
        for name in ["alg", "enc", "epk", "apu", "apv", "zip"] where header[name] != nil {
            throw JOSEError(.invalidHeader, "\(name) is set by the encryption, not the header")
        }
        do {
            let ephemeral = try ECPrivateKey(curve: recipientKey.curve)
            var protected = header
            protected["alg"] = .string(keyManagement.rawValue)
            protected["enc"] = .string(contentEncryption.rawValue)
            protected["epk"] = try JWK(.ec(ephemeral.publicKey, nil)).jsonValue()
            if !partyUInfo.isEmpty { protected["apu"] = .string(Base64URL.encode(partyUInfo)) }
            if !partyVInfo.isEmpty { protected["apv"] = .string(Base64URL.encode(partyVInfo)) }
            if let kid = recipient.keyID, protected["kid"] == nil { protected["kid"] = .string(kid) }
            let protectedText = Base64URL.encode(JSONValue.object(protected).serializedBytes)
            let agreed = try agreedKey(ephemeral.sharedSecret(with: recipientKey), keyManagement, contentEncryption,
                                       apu: partyUInfo, apv: partyVInfo)
            let cek: SecretBytes
            var encryptedKey: [UInt8] = []
            if keyManagement.wrapKeyLength == nil {
                cek = agreed
            } else {
                cek = try SecretBytes(randomCount: contentEncryption.keyLength)
                encryptedKey = try AESKeyWrap.wrap(cek, using: agreed)
            }
            let box = try AESGCM.seal(plaintext, key: cek, authenticating: Array(protectedText.utf8))
            return [protectedText, Base64URL.encode(encryptedKey), Base64URL.encode(box.nonce), Base64URL.encode(box.ciphertext),
                    Base64URL.encode(box.tag)].joined(separator: ".")
        } catch let error as JOSEError {
            throw error
        } catch {
            throw JOSEError(.cryptoFailure, "encryption failed: \(error)")
        }
    }

    /// Decrypt a compact JWE with `key`.
    /// - Parameters:
    ///   - text: the compact serialisation.
    ///   - key: the recipient's private EC JWK.
    ///   - allowedKeyManagement: the `alg` values accepted; ECDH-ES and ECDH-ES+A256KW by default.
    ///   - allowedContentEncryption: the `enc` values accepted; A256GCM by default.
    ///   - understoodCriticalHeaders: `crit` names the caller processes itself.
    /// - Returns: the header and plaintext.
    /// - Throws: ``JOSEError``: `invalidEncoding`, `invalidHeader`, `unsupportedAlgorithm`,
    ///   `algorithmNotAllowed`, `criticalHeaderUnsupported`, `keyMismatch`, `decryptionFailed`.
    public static func decryptCompact(_ text: String, key: JWK,
                                      allowedKeyManagement: Set<JWEKeyManagementAlgorithm> = [.ecdhES, .ecdhESA256KW],
                                      allowedContentEncryption: Set<JWEContentEncryptionAlgorithm> = [.a256gcm],
                                      understoodCriticalHeaders: Set<String> = []) throws(JOSEError) -> DecryptedJWE {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5 else {
            throw JOSEError(.invalidEncoding, parts.count == 3 ? "this is a JWS (3 parts), not a JWE" : "a compact JWE has 5 parts, got \(parts.count)")
        }
        let header = try JOSEHeader.decode(parts[0])
        guard let algName = header["alg"]?.stringValue else { throw JOSEError(.invalidHeader, "the JWE header has no alg string") }
        guard let encName = header["enc"]?.stringValue else { throw JOSEError(.invalidHeader, "the JWE header has no enc string") }
        let alg = try JWEKeyManagementAlgorithm(headerValue: algName)
        let enc = try JWEContentEncryptionAlgorithm(headerValue: encName)
        guard allowedKeyManagement.contains(alg) else { throw JOSEError(.algorithmNotAllowed, "alg \(algName) is not allowed") }
        guard allowedContentEncryption.contains(enc) else { throw JOSEError(.algorithmNotAllowed, "enc \(encName) is not allowed") }
        if header["zip"] != nil { throw JOSEError(.unsupportedAlgorithm, "compressed JWEs (zip) are not supported") }
        try JOSEHeader.checkCritical(protected: header, joint: header, understood: understoodCriticalHeaders,
                                     registered: JOSEHeader.jweRegistered)

        guard case .ec(let ourPublic, let ours) = key.material else {
            throw JOSEError(.keyMismatch, "\(algName) needs an EC key, got \(key.describedType)")
        }
        guard let ours else { throw JOSEError(.keyMismatch, "decryption needs the private key") }
        try checkUse(key, alg)
        guard let epkValue = header["epk"] else { throw JOSEError(.invalidHeader, "the JWE header has no epk") }
        guard epkValue["d"] == nil else { throw JOSEError(.invalidHeader, "epk carries a private key") }
        let epk: JWK
        do { epk = try JWK(json: epkValue) } catch { throw JOSEError(.invalidHeader, "epk: \(error.reason)") }
        guard case .ec(let peer, _) = epk.material, peer.curve == ourPublic.curve else {
            throw JOSEError(.keyMismatch, "epk is \(epk.describedType), the key is EC \(ourPublic.curve.rawValue)")
        }
        let apu = try optionalBase64(header, "apu")
        let apv = try optionalBase64(header, "apv")
        let encryptedKey = try decodePart(parts[1], "encrypted key")
        let iv = try decodePart(parts[2], "iv")
        let ciphertext = try decodePart(parts[3], "ciphertext")
        let tag = try decodePart(parts[4], "tag")
        guard iv.count == AESGCM.nonceLength, tag.count == AESGCM.tagLength else {
            throw JOSEError(.invalidEncoding, "the iv is 12 bytes and the tag 16, got \(iv.count) and \(tag.count)")
        }
        if alg.wrapKeyLength == nil, !encryptedKey.isEmpty {
            throw JOSEError(.invalidEncoding, "ECDH-ES (direct) has an empty encrypted key")
        }

        let agreed: SecretBytes
        do {
            agreed = try agreedKey(ours.sharedSecret(with: peer), alg, enc, apu: apu, apv: apv)
        } catch {
            throw JOSEError(.cryptoFailure, "key agreement failed: \(error)")
        }
        let cek: SecretBytes
        if alg.wrapKeyLength == nil {
            cek = agreed
        } else {
            do {
                cek = try AESKeyWrap.unwrap(encryptedKey, using: agreed)
            } catch {
                throw JOSEError(.decryptionFailed, "the content key did not unwrap")
            }
            guard cek.count == enc.keyLength else { throw JOSEError(.decryptionFailed, "the content key did not unwrap") }
        }
        do {
            let plaintext = try AESGCM.open(AESGCM.SealedBox(nonce: iv, ciphertext: ciphertext, tag: tag), key: cek,
                                            authenticating: Array(parts[0].utf8))
            return DecryptedJWE(header: header, keyManagement: alg, contentEncryption: enc, plaintext: plaintext)
        } catch {
            throw JOSEError(.decryptionFailed, "the authentication tag does not verify")
        }
    }

    // MARK: Helpers

    /// The Concat KDF output of RFC 7518 §4.6.2 for `z`.
    private static func agreedKey(_ z: SecretBytes, _ alg: JWEKeyManagementAlgorithm, _ enc: JWEContentEncryptionAlgorithm,
                                  apu: [UInt8], apv: [UInt8]) throws(CryptoError) -> SecretBytes {
        let length = alg.wrapKeyLength ?? enc.keyLength
        let algorithmID = alg.wrapKeyLength == nil ? enc.rawValue : alg.rawValue
        let otherInfo = ConcatKDF.joseOtherInfo(algorithmID: algorithmID, partyUInfo: apu, partyVInfo: apv,
                                                keyDataLengthBits: length * 8)
        return try ConcatKDF.deriveKey(sharedSecret: z, otherInfo: otherInfo, length: length)
    }

    private static func checkUse(_ key: JWK, _ alg: JWEKeyManagementAlgorithm) throws(JOSEError) {
        if let use = key.use, use != "enc" { throw JOSEError(.keyMismatch, "the key's use is \(use), not enc") }
        if let keyAlg = key.algorithm, keyAlg != alg.rawValue {
            throw JOSEError(.keyMismatch, "the key is restricted to \(keyAlg), not \(alg.rawValue)")
        }
    }

    private static func optionalBase64(_ header: [String: JSONValue], _ name: String) throws(JOSEError) -> [UInt8] {
        guard let value = header[name] else { return [] }
        guard let text = value.stringValue else { throw JOSEError(.invalidHeader, "\(name) is not a string") }
        do { return try Base64URL.decode(text) } catch { throw JOSEError(.invalidHeader, "\(name): \(error.reason)") }
    }

    private static func decodePart(_ part: Substring, _ name: String) throws(JOSEError) -> [UInt8] {
        do { return try Base64URL.decode(part) } catch { throw JOSEError(.invalidEncoding, "\(name): \(error.reason)") }
    }
}
