import Foundation
import PavilionCrypto
import PavilionHSM
import PavilionTestSupport
import XCTest

/// The encrypted-at-rest key store behind `serve --dev`.
final class SoftwareKeyStoreTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-keystore")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private var keys: String { directory.appendingPathComponent("keys").path }

    private func masterKeyFile() throws -> String {
        let path = directory.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: path)
        return path
    }

    func testES256KeyRoundTripsAndVerifiesWithOpenSSL() throws {
        let master = try masterKeyFile()
        let created = try SoftwareKeyStore(directory: keys, masterKey: .file(master)).generate(label: "dev-es256", algorithm: .es256)
        // A new store object reads the key back from disk.
        let signer = try SoftwareKeyStore(directory: keys, masterKey: .file(master)).signer(label: "dev-es256")
        XCTAssertEqual(signer.publicKey, created.publicKey)
        XCTAssertEqual(signer.keyID, created.keyID)
        XCTAssertEqual(signer.algorithm, .es256)
        let message = Array("eyJhbGciOiJFUzI1NiJ9.e30".utf8)
        let signature = try signer.sign(message)
        XCTAssertEqual(signature.count, 64)
        let der = try ECDSASignature.der(fromRaw: signature)
        XCTAssertTrue(try ECPublicKey(rawRepresentation: signer.publicKey.rawRepresentation, curve: .p256).isValidSignature(derRepresentation: der, for: message))
        XCTAssertTrue(try OpenSSLCLI.verifies(der: der, of: message, publicKey: signer.publicKey, in: directory))
    }

    func testEdDSAKeyRoundTrips() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .bytes(try SecureRandom.bytes(32)))
        let created = try store.generate(label: "dev-eddsa", algorithm: .edDSA)
        let signer = try store.signer(label: "dev-eddsa")
        XCTAssertEqual(signer.publicKey, created.publicKey)
        let message = Array("EdDSA".utf8)
        let verifier = try Ed25519PublicKey(rawRepresentation: signer.publicKey.rawRepresentation)
        XCTAssertTrue(verifier.isValidSignature(try signer.sign(message), for: message))
        XCTAssertEqual(store.labels(), ["dev-eddsa"])
    }

    func testKeyFileIsOwnerOnly() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .file(try masterKeyFile()))
        _ = try store.generate(label: "dev-es256", algorithm: .es256)
        XCTAssertEqual(try PEMFile.permissions(of: store.path(forLabel: "dev-es256")), 0o600)
        XCTAssertEqual(try PEMFile.permissions(of: directory.appendingPathComponent("master.key").path), 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: keys)[.posixPermissions] as? Int
        XCTAssertEqual(folder, 0o700)
        // The private key is not in the file in the clear.
        let text = try String(contentsOfFile: store.path(forLabel: "dev-es256"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"format\" : \"pavilion-keystore-v1\""), text)
    }

    func testGroupReadableKeyFileIsRefused() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 7, count: 32)))
        _ = try store.generate(label: "k", algorithm: .edDSA)
        chmod(store.path(forLabel: "k"), 0o640)
        XCTAssertThrowsError(try store.signer(label: "k")) { error in
            XCTAssertEqual((error as? SignerError)?.code, .keyPolicyViolated)
        }
    }

    func testWrongMasterKeyIsRefused() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 1, count: 32)))
        _ = try store.generate(label: "k", algorithm: .es256)
        let other = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 2, count: 32)))
        XCTAssertThrowsError(try other.signer(label: "k")) { error in
            XCTAssertEqual((error as? SignerError)?.code, .wrongMasterKey)
        }
    }

    func testWrongMasterKeyWithForgedCheckValueFailsAuthentication() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 1, count: 32)))
        _ = try store.generate(label: "k", algorithm: .es256)
        // Make the file claim the other master key's check value: GCM must still refuse.
        let other = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 2, count: 32)))
        _ = try other.generate(label: "probe", algorithm: .edDSA)
        let probe = try json(other.path(forLabel: "probe"))
        try edit(store.path(forLabel: "k")) { $0["master_key_id"] = probe["master_key_id"] }
        XCTAssertThrowsError(try other.signer(label: "k")) { error in
            XCTAssertEqual((error as? SignerError)?.code, .keyStoreCorrupt)
        }
    }

    func testTamperedKeyFilesAreRefused() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 3, count: 32)))
        _ = try store.generate(label: "k", algorithm: .es256)
        let path = store.path(forLabel: "k")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let other = try SoftwareKeyStore(directory: directory.appendingPathComponent("other").path,
                                         masterKey: .bytes([UInt8](repeating: 3, count: 32)))
        let otherPublic = try other.generate(label: "k", algorithm: .es256).publicKey.rawRepresentation

        let tamperings: [(String, (inout [String: String]) -> Void)] = [
            ("sealed byte flipped", { file in
                var sealed = Array(file["sealed"] ?? "")
                sealed[4] = sealed[4] == "A" ? "B" : "A"
                file["sealed"] = String(sealed)
            }),
            ("nonce changed", { $0["nonce"] = "AAAAAAAAAAAAAAAA" }),
            ("public key swapped", { $0["public_key"] = Base64URLText.encode(otherPublic) }),
            ("algorithm changed", { $0["alg"] = "EdDSA" }),
            ("label changed", { $0["label"] = "j" }),
            ("format changed", { $0["format"] = "pavilion-keystore-v0" }),
        ]
        for (name, change) in tamperings {
            try original.write(to: URL(fileURLWithPath: path))
            try edit(path, change)
            XCTAssertThrowsError(try store.signer(label: "k"), name) { error in
                XCTAssertEqual((error as? SignerError)?.code, .keyStoreCorrupt, "\(name): \(error)")
            }
        }
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try store.signer(label: "k")) { XCTAssertEqual(($0 as? SignerError)?.code, .keyStoreCorrupt) }
        try Data().write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try store.signer(label: "k")) { XCTAssertEqual(($0 as? SignerError)?.code, .keyStoreCorrupt) }
        // Untouched, it opens.
        try original.write(to: URL(fileURLWithPath: path))
        XCTAssertNoThrow(try store.signer(label: "k"))
    }

    func testMasterKeyFromEnvironmentAndBadMasterKeys() throws {
        setenv("PAVILION_TEST_MASTER_KEY", String(repeating: "ab", count: 32), 1)
        defer { unsetenv("PAVILION_TEST_MASTER_KEY") }
        XCTAssertNoThrow(try SoftwareKeyStore(directory: keys, masterKey: .environment("PAVILION_TEST_MASTER_KEY")))
        XCTAssertThrowsError(try SoftwareKeyStore(directory: keys, masterKey: .environment("PAVILION_TEST_UNSET_KEY"))) {
            XCTAssertEqual(($0 as? SignerError)?.code, .masterKeyUnavailable)
        }
        XCTAssertThrowsError(try SoftwareKeyStore(directory: keys, masterKey: .bytes([1, 2, 3]))) {
            XCTAssertEqual(($0 as? SignerError)?.code, .masterKeyUnavailable)
        }
        let loose = directory.appendingPathComponent("loose.key").path
        try (String(repeating: "cd", count: 32) + "\n").write(toFile: loose, atomically: true, encoding: .utf8)
        chmod(loose, 0o644)
        XCTAssertThrowsError(try SoftwareKeyStore(directory: keys, masterKey: .file(loose)), "a world-readable master key") {
            XCTAssertEqual(($0 as? SignerError)?.code, .masterKeyUnavailable)
        }
        chmod(loose, 0o600)
        XCTAssertNoThrow(try SoftwareKeyStore(directory: keys, masterKey: .file(loose)))
        let short = directory.appendingPathComponent("short.key").path
        try "abcd\n".write(toFile: short, atomically: true, encoding: .utf8)
        chmod(short, 0o600)
        XCTAssertThrowsError(try SoftwareKeyStore(directory: keys, masterKey: .file(short)))
        XCTAssertThrowsError(try SoftwareKeyStore.createMasterKeyFile(at: loose), "never replaces a master key")
    }

    func testLabelsThatCouldEscapeTheFolderAndDuplicatesAreRefused() throws {
        let store = try SoftwareKeyStore(directory: keys, masterKey: .bytes([UInt8](repeating: 4, count: 32)))
        for label in ["", "../x", "a/b", ".hidden", String(repeating: "a", count: 65), "ключ"] {
            XCTAssertThrowsError(try store.generate(label: label, algorithm: .edDSA), label) {
                XCTAssertEqual(($0 as? SignerError)?.code, .malformedInput)
            }
        }
        _ = try store.generate(label: "k", algorithm: .edDSA)
        XCTAssertThrowsError(try store.generate(label: "k", algorithm: .es256)) {
            XCTAssertEqual(($0 as? SignerError)?.code, .keyExists)
        }
        XCTAssertThrowsError(try store.generate(label: "p384", algorithm: .es384)) {
            XCTAssertEqual(($0 as? SignerError)?.code, .unsupportedAlgorithm)
        }
        XCTAssertThrowsError(try store.signer(label: "absent")) {
            XCTAssertEqual(($0 as? SignerError)?.code, .keyNotFound)
        }
    }

    // MARK: - Helpers

    private func json(_ path: String) throws -> [String: String] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: String])
    }

    private func edit(_ path: String, _ change: (inout [String: String]) -> Void) throws {
        var object = try json(path)
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    }
}

private enum Base64URLText {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
