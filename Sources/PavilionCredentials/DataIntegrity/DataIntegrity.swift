import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHSM

/// A document whose Data Integrity proof verified.
public struct VerifiedDataIntegrityDocument: Sendable {
    /// The document without `proof`.
    public let document: JSONValue
    /// The proof.
    public let proof: DataIntegrityProof
    /// The key that verified.
    public let publicKey: JWK
}

/// W3C VC Data Integrity 1.0 with the JCS cryptosuites `ecdsa-jcs-2019` and
/// `eddsa-jcs-2022`: add a proof to a JSON document and verify one.
///
/// Both suites sign `hashData = H(JCS(proof configuration)) || H(JCS(document))`
/// — proof configuration first — with H = SHA-384 for P-384 and SHA-256
/// otherwise; the proof configuration carries the document's `@context`.
/// ECDSA signs `hashData` with the curve's hash (raw `r || s`), Ed25519 signs
/// it as is; `proofValue` is multibase base58btc.
public enum DataIntegrity {
    // MARK: Creating

    /// Secure `document` with a new proof.
    /// - Parameters:
    ///   - document: a JSON object without `proof`.
    ///   - options: the proof configuration.
    ///   - signer: the key: ES256/ES384 for ecdsa-jcs-2019, EdDSA for eddsa-jcs-2022.
    /// - Returns: the document with `proof`.
    /// - Throws: ``DataIntegrityError`` `malformedDocument`, `keyMismatch`, `signingFailed`.
    public static func addProof(to document: JSONValue, options: DataIntegrityProofOptions,
                                signer: some Signer) throws(DataIntegrityError) -> JSONValue {
        guard var members = document.objectValue else { throw DataIntegrityError(.malformedDocument, "the document is not a JSON object") }
        guard members["proof"] == nil else { throw DataIntegrityError(.malformedDocument, "the document already has a proof; proof sets are not supported") }
        let key = try publicJWK(of: signer.publicKey)
        let digest = try options.cryptosuite.digest(for: key)
        var config: [String: JSONValue] = [
            "type": "DataIntegrityProof",
            "cryptosuite": .string(options.cryptosuite.rawValue),
            "proofPurpose": .string(options.proofPurpose),
        ]
        if let method = options.verificationMethod {
            config["verificationMethod"] = .string(method)
        } else {
            do { config["verificationMethod"] = .string(try DIDKey.verificationMethodID(for: key)) } catch {
                throw DataIntegrityError(.keyMismatch, error.reason)
            }
        }
        if let created = options.created { config["created"] = .string(DateTimeStamp.format(created)) }
        if let expires = options.expires { config["expires"] = .string(DateTimeStamp.format(expires)) }
        if let domain = options.domain { config["domain"] = .string(domain) }
        if let challenge = options.challenge { config["challenge"] = .string(challenge) }
        if let context = members["@context"] { config["@context"] = context }
        let data = try hashData(document: document, proofConfiguration: config, digest: digest)
        let signature: [UInt8]
        do { signature = try signer.sign(data) } catch { throw DataIntegrityError(.signingFailed, "\(error)") }
        config["proofValue"] = .string(Base58BTC.multibase(signature))
        members["proof"] = .object(config)
        return .object(members)
    }

    /// `H(JCS(proofConfiguration)) || H(JCS(document))`, the bytes both suites sign.
    /// - Parameters:
    ///   - document: the unsecured document.
    ///   - proofConfiguration: the proof without `proofValue`.
    ///   - digest: SHA-256, or SHA-384 for P-384.
    /// - Returns: the hash data.
    /// - Throws: ``DataIntegrityError`` `malformedDocument` when a part has no canonical form.
    public static func hashData(document: JSONValue, proofConfiguration: [String: JSONValue],
                                digest: DigestAlgorithm) throws(DataIntegrityError) -> [UInt8] {
        do {
            return digest.hash(try JCS.canonicalize(.object(proofConfiguration))) + digest.hash(try JCS.canonicalize(document))
        } catch {
            throw DataIntegrityError(.malformedDocument, "canonicalisation: \(error.reason)")
        }
    }

    // MARK: Verifying

    /// Verify the proof of `securedDocument`, resolving its verification
    /// method through `resolver` and requiring the DID to authorise it for
    /// the proof's purpose.
    /// - Parameters:
    ///   - securedDocument: the document with `proof`.
    ///   - resolver: resolves did:key, did:jwk, did:web.
    ///   - options: expected purpose, domain, challenge, clock skew.
    ///   - clock: the current time.
    /// - Returns: the document, proof and key.
    /// - Throws: ``DataIntegrityError`` naming the failed check.
    public static func verify(_ securedDocument: JSONValue, resolver: DIDResolver,
                              options: DataIntegrityVerificationOptions = DataIntegrityVerificationOptions(),
                              clock: some CredentialClock) async throws(DataIntegrityError) -> VerifiedDataIntegrityDocument {
        let proof = try DataIntegrityProof(json: securedDocument["proof"] ?? .null)
        try checkPurpose(proof, options)
        guard let relationship = VerificationRelationship(rawValue: proof.proofPurpose) else {
            throw DataIntegrityError(.keyResolutionFailed, "proof purpose \(proof.proofPurpose) is no verification relationship")
        }
        let method: VerificationMethod
        do { method = try await resolver.verificationMethod(proof.verificationMethod, for: relationship) } catch {
            throw DataIntegrityError(.keyResolutionFailed, "\(proof.verificationMethod): \(error)")
        }
        return try verify(securedDocument, publicKey: method.publicKey, options: options, clock: clock)
    }

    /// Verify the proof of `securedDocument` with a key the caller already trusts.
    /// - Parameters:
    ///   - securedDocument: the document with `proof`.
    ///   - publicKey: the key of the proof's verification method.
    ///   - options: expected purpose, domain, challenge, clock skew.
    ///   - clock: the current time.
    /// - Returns: the document, proof and key.
    /// - Throws: ``DataIntegrityError`` naming the failed check.
    public static func verify(_ securedDocument: JSONValue, publicKey: JWK,
                              options: DataIntegrityVerificationOptions = DataIntegrityVerificationOptions(),
                              clock: some CredentialClock) throws(DataIntegrityError) -> VerifiedDataIntegrityDocument {
        guard var document = securedDocument.objectValue else { throw DataIntegrityError(.malformedDocument, "the document is not a JSON object") }
        let proof = try DataIntegrityProof(json: document["proof"] ?? .null)
        document["proof"] = nil
        try checkPurpose(proof, options)
        if let expectedDomain = options.expectedDomain, proof.configuration["domain"]?.stringValue != expectedDomain {
            throw DataIntegrityError(.domainOrChallengeMismatch, "the proof's domain is not \(expectedDomain)")
        }
        if let expectedChallenge = options.expectedChallenge, proof.configuration["challenge"]?.stringValue != expectedChallenge {
            throw DataIntegrityError(.domainOrChallengeMismatch, "the proof's challenge is not the one issued")
        }
        let now = clock.now
        if let created = proof.created, created.timeIntervalSince(now) > options.maxClockSkew {
            throw DataIntegrityError(.createdInFuture, "created \(DateTimeStamp.format(created)) is after now \(DateTimeStamp.format(now))")
        }
        if let expires = proof.expires, expires <= now {
            throw DataIntegrityError(.proofExpired, "the proof expired at \(DateTimeStamp.format(expires))")
        }
        // The proof's @context must open the document's, and is what the document is hashed with.
        if let proofContext = proof.configuration["@context"] {
            let proofList = proofContext.arrayValue ?? [proofContext]
            let documentList = document["@context"].map { $0.arrayValue ?? [$0] } ?? []
            guard documentList.count >= proofList.count, Array(documentList.prefix(proofList.count)) == proofList else {
                throw DataIntegrityError(.contextMismatch, "the proof's @context does not open the document's")
            }
            document["@context"] = proofContext
        }
        let digest = try proof.cryptosuite.digest(for: publicKey)
        let data = try hashData(document: .object(document), proofConfiguration: proof.configuration, digest: digest)
        let valid: Bool
        switch publicKey.material {
        case .ec(let k, _):
            guard proof.signature.count == 2 * k.curve.coordinateLength,
                  let signature = try? ECDSASignature(rawRepresentation: proof.signature, curve: k.curve) else {
                throw DataIntegrityError(.malformedProofValue, "an \(k.curve.rawValue) proofValue is \(2 * k.curve.coordinateLength) bytes of r || s, got \(proof.signature.count)")
            }
            valid = k.isValidSignature(signature, for: data, digest: digest)
        case .ed25519(let k, _):
            guard proof.signature.count == 64 else {
                throw DataIntegrityError(.malformedProofValue, "an Ed25519 proofValue is 64 bytes, got \(proof.signature.count)")
            }
            valid = k.isValidSignature(proof.signature, for: data)
        case .rsa:
            throw DataIntegrityError(.keyMismatch, "RSA keys have no JCS cryptosuite")
        }
        guard valid else {
            throw DataIntegrityError(.badSignature, "the \(proof.cryptosuite.rawValue) signature does not verify: the document or proof was altered, or another key signed")
        }
        return VerifiedDataIntegrityDocument(document: .object(document), proof: proof, publicKey: publicKey.publicJWK)
    }

    private static func checkPurpose(_ proof: DataIntegrityProof, _ options: DataIntegrityVerificationOptions) throws(DataIntegrityError) {
        guard proof.proofPurpose == options.expectedProofPurpose else {
            throw DataIntegrityError(.proofPurposeMismatch, "proof purpose is \(proof.proofPurpose), expected \(options.expectedProofPurpose)")
        }
    }

    /// The JWK of a signer's public key.
    static func publicJWK(of description: PublicKeyDescription) throws(DataIntegrityError) -> JWK {
        do {
            switch description.algorithm {
            case .es256: return JWK(.ec(try ECPublicKey(rawRepresentation: description.rawRepresentation, curve: .p256), nil))
            case .es384: return JWK(.ec(try ECPublicKey(rawRepresentation: description.rawRepresentation, curve: .p384), nil))
            case .edDSA: return JWK(.ed25519(try Ed25519PublicKey(rawRepresentation: description.rawRepresentation), nil))
            }
        } catch {
            throw DataIntegrityError(.keyMismatch, "the signer's public key: \(error)")
        }
    }
}
