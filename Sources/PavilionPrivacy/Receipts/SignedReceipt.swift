import PavilionCore
import PavilionCrypto

/// A privacy receipt signed by the log's key: the version-1 log entry
/// (``logEntry``). Logs now hold the receipt itself (version 2,
/// ``ReceiptLogEntry``) and sign tree heads only; this form is read, and its
/// signature checked, for entries written before.
///
/// The signature covers `"pavilion-privacy-receipt-v1" || 0x00 ||
/// canonical receipt JSON`: the context string keeps a receipt signature
/// from ever being taken for a tree-head signature by the same key (a
/// `TreeHeadDataV2` starts with a zero byte; this input starts with `p`).
///
/// JSON form: `{"receipt":{…},"signature":{"alg":"EdDSA","kid":"…","value":"<hex>"}}`.
public struct SignedReceipt: Sendable, Hashable {
    /// The domain-separation context of receipt signatures.
    public static let signingContext = "pavilion-privacy-receipt-v1"

    /// The receipt.
    public let receipt: PrivacyReceipt
    /// The signature's algorithm.
    public let algorithm: LogSignatureAlgorithm
    /// The signing key's ID.
    public let keyID: String
    /// The signature over ``signingInput(for:)``.
    public let signature: [UInt8]

    /// A signed receipt as received; check it with ``isValidSignature(with:)``.
    public init(receipt: PrivacyReceipt, algorithm: LogSignatureAlgorithm, keyID: String, signature: [UInt8]) {
        self.receipt = receipt
        self.algorithm = algorithm
        self.keyID = keyID
        self.signature = signature
    }

    /// Validate and sign a receipt.
    /// - Parameters:
    ///   - receipt: the receipt; it must pass ``PrivacyReceipt/validate()``.
    ///   - signer: the log's signer.
    /// - Returns: the signed receipt.
    /// - Throws: ``ReceiptError`` for content the policy refuses, or `.signingFailed`.
    public static func sign(_ receipt: PrivacyReceipt, with signer: some LogSigner) throws(ReceiptError) -> SignedReceipt {
        try receipt.validate()
        let key = signer.publicKey
        do {
            let signature = try signer.sign(signingInput(for: receipt))
            return SignedReceipt(receipt: receipt, algorithm: key.algorithm, keyID: key.keyID, signature: signature)
        } catch {
            throw ReceiptError(.signingFailed, field: "signature", error.reason)
        }
    }

    /// The bytes a receipt signature covers.
    /// - Parameter receipt: the receipt.
    /// - Returns: context, a zero byte, and the canonical receipt JSON.
    public static func signingInput(for receipt: PrivacyReceipt) -> [UInt8] {
        Array(signingContext.utf8) + [0] + receipt.canonicalBytes
    }

    /// Whether the signature verifies under `key`.
    /// - Parameter key: the log's public key.
    /// - Returns: `true` only for the key's algorithm and a valid signature.
    public func isValidSignature(with key: LogPublicKey) -> Bool {
        algorithm == key.algorithm && key.isValidSignature(signature, for: Self.signingInput(for: receipt))
    }

    /// The JSON form.
    public var json: JSONValue {
        ["receipt": receipt.json,
         "signature": ["alg": .string(algorithm.rawValue), "kid": .string(keyID), "value": .string(Hex.encode(signature))]]
    }

    /// The log entry: the canonical (sorted-key, compact) bytes of ``json``.
    public var logEntry: [UInt8] { json.serializedBytes }

    /// The leaf hash of ``logEntry`` in the transparency log.
    public var leafHash: [UInt8] { MerkleHasher.leafHash(logEntry) }

    /// A signed receipt from its JSON form (the signature is not checked here).
    /// - Parameter json: the object ``json`` writes.
    /// - Throws: ``ReceiptError`` for a malformed or refused receipt or signature member.
    public init(json: JSONValue) throws(ReceiptError) {
        guard let object = json.objectValue else { throw ReceiptError(.invalidValue, field: "signed_receipt", "must be an object") }
        if let unknown = object.keys.sorted().first(where: { $0 != "receipt" && $0 != "signature" }) {
            throw ReceiptError(.unknownField, field: unknown, "a signed receipt has 'receipt' and 'signature' only")
        }
        guard let receiptJSON = object["receipt"] else { throw ReceiptError(.missingField, field: "receipt", "is required") }
        guard let signature = object["signature"]?.objectValue else {
            throw ReceiptError(.missingField, field: "signature", "must be an object")
        }
        if let unknown = signature.keys.sorted().first(where: { !["alg", "kid", "value"].contains($0) }) {
            throw ReceiptError(.unknownField, field: "signature.\(unknown)", "the signature has 'alg', 'kid' and 'value' only")
        }
        guard let name = signature["alg"]?.stringValue, let algorithm = LogSignatureAlgorithm(rawValue: name) else {
            throw ReceiptError(.invalidValue, field: "signature.alg", "must be one of EdDSA, ES256")
        }
        guard let keyID = signature["kid"]?.stringValue else { throw ReceiptError(.invalidValue, field: "signature.kid", "must be a string") }
        guard let hex = signature["value"]?.stringValue, let value = Hex.decode(hex) else {
            throw ReceiptError(.invalidValue, field: "signature.value", "must be hex")
        }
        self.init(receipt: try PrivacyReceipt(json: receiptJSON), algorithm: algorithm, keyID: keyID, signature: value)
    }
}
