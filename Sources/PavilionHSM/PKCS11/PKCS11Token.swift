import PavilionCrypto
internal import CPKCS11

/// A logged-in token: finds, creates and signs with key pairs, through a
/// pool of sessions safe to use from many threads.
///
/// Keys Pavilion creates are generated inside the token as token objects,
/// `CKA_SENSITIVE=TRUE`, `CKA_EXTRACTABLE=FALSE`, allowed to sign and nothing
/// else; no private key byte ever crosses the PKCS #11 boundary.
public final class PKCS11Token: Sendable {
    /// The token's label, slot and maker.
    public let description: PKCS11TokenDescription
    /// The mechanisms the token offers (`C_GetMechanismList`); empty if it did not say.
    let mechanisms: Set<UInt>
    let pool: SessionPool

    init(description: PKCS11TokenDescription, pool: SessionPool, mechanisms: Set<UInt>) {
        self.description = description
        self.pool = pool
        self.mechanisms = mechanisms
    }

    private var cryptoki: Cryptoki { pool.module.loaded.cryptoki }

    /// Whether the token offers what `algorithm` needs to generate keys and sign.
    public func supports(_ algorithm: SigningAlgorithm) -> Bool {
        guard !mechanisms.isEmpty else { return true }
        var needed: Set<UInt> = [algorithm.generationMechanism, algorithm.signingMechanism]
        if algorithm == .es384 { needed.insert(UInt(CKM_SHA384)) }
        return needed.isSubset(of: mechanisms)
    }

    // MARK: - Finding keys

    /// The key pair labelled `label`.
    /// - Parameters:
    ///   - label: the `CKA_LABEL` of the private key (and its public key).
    ///   - enforcingPolicy: refuse a key whose ``HSMKeyPolicy/violations`` is
    ///     not empty (true unless told).
    /// - Throws: ``PKCS11Error/Code/keyNotFound`` when no private key has the
    ///   label or it has no public key beside it, ``PKCS11Error/Code/keyPolicyViolated``
    ///   when several keys share the label or the key breaks policy, or a call's failure.
    public func keyPair(labeled label: String, enforcingPolicy: Bool = true) throws(PKCS11Error) -> PKCS11KeyPair {
        let pair = try pool.withSession { (session) throws(PKCS11Error) -> PKCS11KeyPair in
            let privates = try cryptoki.findObjects(session, matching: [
                .ulong(UInt(CKA_CLASS), UInt(CKO_PRIVATE_KEY)), .bytes(UInt(CKA_LABEL), Array(label.utf8)),
            ]).get()
            guard let privateHandle = privates.first else {
                throw PKCS11Error(.keyNotFound, reason: "no private key labelled \"\(label)\" on token \"\(description.label)\"")
            }
            guard privates.count == 1 else {
                throw PKCS11Error(.keyPolicyViolated, reason: "\(privates.count) private keys share the label \"\(label)\"")
            }
            let id = (try? cryptoki.attribute(session, object: privateHandle, type: UInt(CKA_ID)).get()) ?? []
            var publicTemplate: [Attribute] = [.ulong(UInt(CKA_CLASS), UInt(CKO_PUBLIC_KEY)),
                                               .bytes(UInt(CKA_LABEL), Array(label.utf8))]
            if !id.isEmpty { publicTemplate.append(.bytes(UInt(CKA_ID), id)) }
            let publics = try cryptoki.findObjects(session, matching: publicTemplate).get()
            guard publics.count == 1, let publicHandle = publics.first else {
                throw PKCS11Error(.keyNotFound, reason: "private key \"\(label)\" has \(publics.count) public keys beside it, not one")
            }
            let publicKey = try readPublicKey(session, handle: publicHandle, label: label)
            let policy = readPolicy(session, handle: privateHandle)
            return PKCS11KeyPair(label: label, id: id, publicKey: publicKey, policy: policy,
                                 privateHandle: privateHandle, publicHandle: publicHandle)
        }
        if enforcingPolicy, !pair.policy.violations.isEmpty {
            throw PKCS11Error(.keyPolicyViolated, reason: "key \"\(label)\" breaks policy: "
                              + pair.policy.violations.joined(separator: "; "))
        }
        return pair
    }

    /// The labels of every private key on the token.
    /// - Throws: ``PKCS11Error`` naming the failing call.
    public func keyLabels() throws(PKCS11Error) -> [String] {
        try pool.withSession { (session) throws(PKCS11Error) -> [String] in
            let handles = try cryptoki.findObjects(session, matching: [.ulong(UInt(CKA_CLASS), UInt(CKO_PRIVATE_KEY))]).get()
            return handles.compactMap { handle in
                (try? cryptoki.attribute(session, object: handle, type: UInt(CKA_LABEL)).get())
                    .map { String(decoding: $0, as: UTF8.self) }
            }.sorted()
        }
    }

    // MARK: - Creating keys

    /// Generate a key pair inside the token (`C_GenerateKeyPair` in a
    /// read-write session), labelled `label`, under Pavilion's policy: the
    /// private key is a token object, private, sensitive, not extractable,
    /// and may sign only; the public key may verify only.
    /// - Parameters:
    ///   - label: the `CKA_LABEL` of both objects; must be unused.
    ///   - algorithm: ES256 (`CKM_EC_KEY_PAIR_GEN` on P-256), ES384 (P-384)
    ///     or EdDSA (`CKM_EC_EDWARDS_KEY_PAIR_GEN` on Ed25519).
    /// - Returns: the new pair.
    /// - Throws: ``PKCS11Error/Code/keyExists``, ``PKCS11Error/Code/unsupportedMechanism``,
    ///   or the failing call's error.
    public func generateKeyPair(labeled label: String, algorithm: SigningAlgorithm) throws(PKCS11Error) -> PKCS11KeyPair {
        guard supports(algorithm) else {
            throw PKCS11Error(.unsupportedMechanism, reason: "token \"\(description.label)\" lacks the mechanisms for \(algorithm.rawValue)")
        }
        if (try? keyPair(labeled: label, enforcingPolicy: false)) != nil {
            throw PKCS11Error(.keyExists, reason: "a key labelled \"\(label)\" already exists on token \"\(description.label)\"")
        }
        let id: [UInt8]
        do { id = try SecureRandom.bytes(16) } catch {
            throw PKCS11Error(.callFailed, call: error.call, reason: "no random CKA_ID: \(error.reason)")
        }
        let labelBytes = Array(label.utf8)
        let common: [Attribute] = [
            .ulong(UInt(CKA_KEY_TYPE), algorithm.keyType), .bool(UInt(CKA_TOKEN), true),
            .bytes(UInt(CKA_LABEL), labelBytes), .bytes(UInt(CKA_ID), id),
        ]
        let publicTemplate = common + [
            .ulong(UInt(CKA_CLASS), UInt(CKO_PUBLIC_KEY)), .bool(UInt(CKA_PRIVATE), false),
            .bool(UInt(CKA_VERIFY), true), .bool(UInt(CKA_ENCRYPT), false), .bool(UInt(CKA_WRAP), false),
            .bool(UInt(CKA_DERIVE), false), .bytes(UInt(CKA_EC_PARAMS), algorithm.ecParameters),
        ]
        let privateTemplate = common + [
            .ulong(UInt(CKA_CLASS), UInt(CKO_PRIVATE_KEY)), .bool(UInt(CKA_PRIVATE), true),
            .bool(UInt(CKA_SENSITIVE), true), .bool(UInt(CKA_EXTRACTABLE), false),
            .bool(UInt(CKA_SIGN), true), .bool(UInt(CKA_SIGN_RECOVER), false), .bool(UInt(CKA_DECRYPT), false),
            .bool(UInt(CKA_UNWRAP), false), .bool(UInt(CKA_DERIVE), false),
        ]
        _ = try pool.withReadWriteSession { (session) throws(PKCS11Error) -> (publicKey: UInt, privateKey: UInt) in
            try cryptoki.generateKeyPair(session, mechanism: algorithm.generationMechanism,
                                         publicTemplate: publicTemplate, privateTemplate: privateTemplate).get()
        }
        return try keyPair(labeled: label)
    }

    // MARK: - Signing

    /// Sign `message` inside the token with `key`, in JOSE form: ECDSA over
    /// SHA-256 (ES256, digest by PavilionCrypto) or SHA-384 (ES384, digest by
    /// the token's `CKM_SHA384`) with `CKM_ECDSA`, giving raw `r || s`; or
    /// Ed25519 over the message with `CKM_EDDSA`.
    /// - Parameters:
    ///   - message: the bytes to sign, unhashed.
    ///   - key: a pair found or created on this token.
    /// - Returns: the signature (``SigningAlgorithm/signatureLength`` bytes).
    /// - Throws: ``PKCS11Error`` naming `C_SignInit`, `C_Sign` or `C_Digest`,
    ///   or ``PKCS11Error/Code/sessionPoolExhausted``.
    public func sign(_ message: [UInt8], with key: PKCS11KeyPair) throws(PKCS11Error) -> [UInt8] {
        let algorithm = key.algorithm
        let signature = try pool.withSession { (session) throws(PKCS11Error) -> [UInt8] in
            let input: [UInt8] = switch algorithm {
            case .es256: SHA256.hash(message)
            case .es384: try cryptoki.digest(session, mechanism: UInt(CKM_SHA384), data: message, length: 48).get()
            case .edDSA: message
            }
            return try cryptoki.sign(session, mechanism: algorithm.signingMechanism, key: key.privateHandle,
                                     data: input, maximumLength: algorithm.signatureLength).get()
        }
        guard signature.count == algorithm.signatureLength else {
            throw PKCS11Error(.invalidKeyMaterial, call: "C_Sign",
                              reason: "\(algorithm.rawValue) signature of \(signature.count) bytes, expected \(algorithm.signatureLength)")
        }
        return signature
    }

    // MARK: - Reading attributes

    private func readPublicKey(_ session: UInt, handle: UInt, label: String) throws(PKCS11Error) -> PublicKeyDescription {
        let parameters: [UInt8]
        switch cryptoki.attribute(session, object: handle, type: UInt(CKA_EC_PARAMS)) {
        case .success(let p): parameters = p
        case .failure(let refusal): throw .call("C_GetAttributeValue", refusal.returnValue, "CKA_EC_PARAMS of \"\(label)\"")
        }
        guard let algorithm = SigningAlgorithm(ecParameters: parameters) else {
            throw PKCS11Error(.invalidKeyMaterial, reason: "key \"\(label)\" is on a curve Pavilion does not sign with")
        }
        var point: [UInt8]
        switch cryptoki.attribute(session, object: handle, type: UInt(CKA_EC_POINT)) {
        case .success(let p): point = p
        case .failure(let refusal): throw .call("C_GetAttributeValue", refusal.returnValue, "CKA_EC_POINT of \"\(label)\"")
        }
        // CKA_EC_POINT is a DER OCTET STRING holding the point (v2.40 §2.3.3);
        // some modules return the bare point. Accept both.
        let length = algorithm.publicKeyLength
        if point.count == length + 2, point[0] == 0x04, point[1] == UInt8(length) {
            point.removeFirst(2)
        }
        do {
            return try PublicKeyDescription(algorithm: algorithm, rawRepresentation: point)
        } catch {
            throw PKCS11Error(.invalidKeyMaterial, reason: "CKA_EC_POINT of \"\(label)\": \(error.reason)")
        }
    }

    private func readPolicy(_ session: UInt, handle: UInt) -> HSMKeyPolicy {
        func flag(_ type: UInt) -> Bool? {
            guard case .success(let value) = cryptoki.attribute(session, object: handle, type: type),
                  value.count == 1 else { return nil }
            return value[0] != 0
        }
        let others: [(UInt, String)] = [(UInt(CKA_DECRYPT), "CKA_DECRYPT"), (UInt(CKA_UNWRAP), "CKA_UNWRAP"),
                                        (UInt(CKA_DERIVE), "CKA_DERIVE"), (UInt(CKA_SIGN_RECOVER), "CKA_SIGN_RECOVER")]
        return HSMKeyPolicy(isTokenObject: flag(UInt(CKA_TOKEN)), isPrivate: flag(UInt(CKA_PRIVATE)),
                            isSensitive: flag(UInt(CKA_SENSITIVE)), isExtractable: flag(UInt(CKA_EXTRACTABLE)),
                            wasAlwaysSensitive: flag(UInt(CKA_ALWAYS_SENSITIVE)),
                            wasNeverExtractable: flag(UInt(CKA_NEVER_EXTRACTABLE)), canSign: flag(UInt(CKA_SIGN)),
                            otherUses: others.filter { flag($0.0) == true }.map(\.1))
    }
}
