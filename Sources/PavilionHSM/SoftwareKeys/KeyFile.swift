import Foundation
import PavilionCrypto

/// The on-disk form of one software key: JSON holding the sealed private key.
///
/// ```json
/// {"format":"pavilion-keystore-v1","label":"dev-es256","alg":"ES256",
///  "master_key_id":"…","public_key":"…","nonce":"…","sealed":"…"}
/// ```
/// Binary fields are base64url. `sealed` is AES-256-GCM(`secret`) `|| tag`
/// under HMAC-SHA-256(master, "pavilion-keystore-v1 key-encryption-key"),
/// with associated data ``associatedData(label:algorithm:masterKeyID:publicKey:)``.
/// `secret` is the 32-byte Ed25519 seed or the P-256 key's SEC 1 DER.
struct KeyFile: Codable {
    static let format = "pavilion-keystore-v1"

    var format: String
    var label: String
    var alg: String
    var master_key_id: String
    var public_key: String
    var nonce: String
    var sealed: String

    /// The GCM associated data: every field but the nonce, NUL-separated.
    static func associatedData(label: String, algorithm: String, masterKeyID: String, publicKey: String) -> [UInt8] {
        Array([format, label, algorithm, masterKeyID, publicKey].joined(separator: "\u{0}").utf8)
    }

    /// Seal `secret` into the JSON text of a key file.
    static func seal(secret: [UInt8], label: String, publicKey: PublicKeyDescription,
                     masterKey: MasterKey) throws(SignerError) -> String {
        let masterKeyID = try masterKey.identifier()
        let publicText = Base64URL.encode(publicKey.rawRepresentation)
        var kek = try masterKey.keyEncryptionKey()
        defer { ConstantTime.wipe(&kek) }
        let nonce: [UInt8]
        let sealed: [UInt8]
        do {
            let box = try AESGCM.seal(secret, key: SecretBytes(copying: kek),
                                      authenticating: associatedData(label: label, algorithm: publicKey.algorithm.rawValue,
                                                                     masterKeyID: masterKeyID, publicKey: publicText))
            nonce = box.nonce
            sealed = box.ciphertext + box.tag
        } catch {
            throw SignerError(.crypto, reason: "sealing the key: \(error)")
        }
        let file = KeyFile(format: format, label: label, alg: publicKey.algorithm.rawValue, master_key_id: masterKeyID,
                           public_key: publicText, nonce: Base64URL.encode(nonce), sealed: Base64URL.encode(sealed))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(file) else {
            throw SignerError(.io, reason: "cannot encode the key file")
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Check and open a key file's bytes.
    /// - Returns: the secret (the caller wipes it) and the public key.
    static func open(_ bytes: [UInt8], label: String,
                     masterKey: MasterKey) throws(SignerError) -> (secret: [UInt8], publicKey: PublicKeyDescription) {
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: Data(bytes)) else {
            throw SignerError(.keyStoreCorrupt, reason: "the key file of \"\(label)\" is not a key-store JSON document")
        }
        guard file.format == format else {
            throw SignerError(.keyStoreCorrupt, reason: "the key file of \"\(label)\" has format \"\(file.format)\", not \(format)")
        }
        guard file.label == label else {
            throw SignerError(.keyStoreCorrupt, reason: "the key file of \"\(label)\" names the label \"\(file.label)\"")
        }
        guard let algorithm = SigningAlgorithm(rawValue: file.alg),
              let raw = Base64URL.decode(file.public_key), let nonce = Base64URL.decode(file.nonce),
              let sealed = Base64URL.decode(file.sealed) else {
            throw SignerError(.keyStoreCorrupt, reason: "the key file of \"\(label)\" has a malformed field")
        }
        let publicKey: PublicKeyDescription
        do { publicKey = try PublicKeyDescription(algorithm: algorithm, rawRepresentation: raw) } catch {
            throw SignerError(.keyStoreCorrupt, reason: "the key file of \"\(label)\": \(error.reason)")
        }
        guard ConstantTime.equal(Array(file.master_key_id.utf8), Array(try masterKey.identifier().utf8)) else {
            throw SignerError(.wrongMasterKey, reason: "the key \"\(label)\" was sealed under a different master key")
        }
        var kek = try masterKey.keyEncryptionKey()
        defer { ConstantTime.wipe(&kek) }
        do {
            guard sealed.count >= AESGCM.tagLength else { throw CryptoError(call: "AESGCM.open", reason: "sealed value too short") }
            let box = AESGCM.SealedBox(nonce: nonce, ciphertext: Array(sealed.dropLast(AESGCM.tagLength)),
                                       tag: Array(sealed.suffix(AESGCM.tagLength)))
            let secret = try AESGCM.open(box, key: SecretBytes(copying: kek),
                                         authenticating: associatedData(label: label, algorithm: file.alg,
                                                                        masterKeyID: file.master_key_id, publicKey: file.public_key))
            return (secret, publicKey)
        } catch {
            throw SignerError(.keyStoreCorrupt, reason: "the key file of \"\(label)\" fails authentication: it was altered")
        }
    }
}
