import PavilionCrypto
internal import CPKCS11

/// Attempts to get a private key out of the token, for tests and audits
/// that prove the token refuses. Each returns the `CK_RV` the token gave;
/// anything but a refusal means the key is exposed.
extension PKCS11Token {
    /// One extraction attempt and the token's answer.
    package struct ExtractionAttempt: Sendable, CustomStringConvertible {
        /// The C function tried, e.g. `C_GetAttributeValue(CKA_VALUE)`.
        package var call: String
        /// What it returned.
        package var returnValue: PKCS11ReturnValue
        /// Bytes it handed out, if it did (the attempt succeeded: a leak).
        package var leakedByteCount: Int

        package var description: String { "\(call) → \(returnValue.name)" }
    }

    /// Read `CKA_VALUE` (the private scalar) with `C_GetAttributeValue`.
    package func attemptToReadPrivateValue(of key: PKCS11KeyPair) throws(PKCS11Error) -> ExtractionAttempt {
        try pool.withSession { (session) throws(PKCS11Error) -> ExtractionAttempt in
            switch pool.module.loaded.cryptoki.attribute(session, object: key.privateHandle, type: UInt(CKA_VALUE)) {
            case .success(var value):
                defer { ConstantTime.wipe(&value) }
                return ExtractionAttempt(call: "C_GetAttributeValue(CKA_VALUE)", returnValue: .ok, leakedByteCount: value.count)
            case .failure(let refusal):
                return ExtractionAttempt(call: "C_GetAttributeValue(CKA_VALUE)", returnValue: refusal.returnValue, leakedByteCount: 0)
            }
        }
    }

    /// Wrap the private key out under a fresh session AES-256 key with
    /// `C_WrapKey(CKM_AES_KEY_WRAP_PAD)`.
    package func attemptToWrapOut(_ key: PKCS11KeyPair) throws(PKCS11Error) -> ExtractionAttempt {
        let cryptoki = pool.module.loaded.cryptoki
        return try pool.withReadWriteSession { (session) throws(PKCS11Error) -> ExtractionAttempt in
            let wrappingKey = try cryptoki.generateKey(session, mechanism: UInt(CKM_AES_KEY_GEN), template: [
                .ulong(UInt(CKA_CLASS), UInt(CKO_SECRET_KEY)), .ulong(UInt(CKA_KEY_TYPE), UInt(CKK_AES)),
                .ulong(UInt(CKA_VALUE_LEN), 32), .bool(UInt(CKA_TOKEN), false), .bool(UInt(CKA_WRAP), true),
                .bool(UInt(CKA_EXTRACTABLE), true), .bool(UInt(CKA_SENSITIVE), false),
            ]).get()
            defer { _ = cryptoki.destroyObject(session, object: wrappingKey) }
            switch cryptoki.wrapKey(session, mechanism: UInt(CKM_AES_KEY_WRAP_PAD), wrappingKey: wrappingKey, key: key.privateHandle) {
            case .success(var wrapped):
                defer { ConstantTime.wipe(&wrapped) }
                return ExtractionAttempt(call: "C_WrapKey(CKM_AES_KEY_WRAP_PAD)", returnValue: .ok, leakedByteCount: wrapped.count)
            case .failure(let refusal):
                return ExtractionAttempt(call: "C_WrapKey(CKM_AES_KEY_WRAP_PAD)", returnValue: refusal.returnValue, leakedByteCount: 0)
            }
        }
    }

    /// Turn the protection off: `C_SetAttributeValue` of `CKA_EXTRACTABLE=TRUE`,
    /// then of `CKA_SENSITIVE=FALSE`, each on its own.
    package func attemptToLiftProtection(of key: PKCS11KeyPair) throws(PKCS11Error) -> [ExtractionAttempt] {
        let cryptoki = pool.module.loaded.cryptoki
        return try pool.withReadWriteSession { (session) throws(PKCS11Error) -> [ExtractionAttempt] in
            [(UInt(CKA_EXTRACTABLE), true, "CKA_EXTRACTABLE=TRUE"), (UInt(CKA_SENSITIVE), false, "CKA_SENSITIVE=FALSE")].map {
                let rv = cryptoki.setAttributes(session, object: key.privateHandle, [.bool($0.0, $0.1)])
                return ExtractionAttempt(call: "C_SetAttributeValue(\($0.2))", returnValue: rv, leakedByteCount: 0)
            }
        }
    }
}

