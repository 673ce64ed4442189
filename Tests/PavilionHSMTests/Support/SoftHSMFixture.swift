import Foundation
import PavilionHSM
import PavilionTestSupport
import XCTest

/// A SoftHSM2 token of one test's own: a temporary token directory, a
/// configuration naming it (`SOFTHSM2_CONF`), and a token initialised with
/// `softhsm2-util --init-token --free`.
///
/// SoftHSM reads `SOFTHSM2_CONF` in `C_Initialize`, so each test must drop
/// every `PKCS11Module` it made before the next test starts (they are local
/// variables, so they do).
struct SoftHSMFixture {
    static let modulePath = "/usr/lib/softhsm/libsofthsm2.so"
    static let utility = "/usr/bin/softhsm2-util"

    let directory: URL
    let tokenLabel: String
    let pin: String
    let soPIN = "so-pin-5678"

    /// Make the directory and configuration and initialise a token; skips
    /// the test when SoftHSM2 is not installed (`script/deps` installs it).
    init(tokenLabel: String = "pavilion-test", pin: String = "user-pin-1234") throws {
        guard FileManager.default.fileExists(atPath: Self.modulePath),
              FileManager.default.isExecutableFile(atPath: Self.utility) else {
            throw XCTSkip("SoftHSM2 is not installed (apt-get install softhsm2, or script/deps)")
        }
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-softhsm")
        self.tokenLabel = tokenLabel
        self.pin = pin
        let tokens = directory.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("softhsm2.conf")
        try """
        directories.tokendir = \(tokens.path)
        objectstore.backend = file
        log.level = ERROR
        slots.removable = false

        """.write(to: configuration, atomically: true, encoding: .utf8)
        setenv("SOFTHSM2_CONF", configuration.path, 1)
        let result = try TestEnvironment.run(URL(fileURLWithPath: Self.utility),
                                             ["--init-token", "--free", "--label", tokenLabel,
                                              "--pin", pin, "--so-pin", soPIN])
        guard result.status == 0 else {
            throw NSError(domain: "softhsm2-util", code: Int(result.status),
                          userInfo: [NSLocalizedDescriptionKey: result.stdout + result.stderr])
        }
    }

    /// The configuration for this token, the PIN taken from a file.
    func configuration(sessions: Int = 4) throws -> HSMConfiguration {
        let pinFile = directory.appendingPathComponent("pin")
        try (pin + "\n").write(to: pinFile, atomically: true, encoding: .utf8)
        return HSMConfiguration(modulePath: Self.modulePath, tokenLabel: tokenLabel, pin: .file(pinFile.path),
                                sessions: sessions, checkoutTimeout: .seconds(30))
    }

    /// Log in to the token.
    func openToken(sessions: Int = 4) throws -> PKCS11Token {
        try configuration(sessions: sessions).openToken()
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Checks signatures with the `openssl` command, independently of Pavilion.
enum OpenSSLCLI {
    static let path = URL(fileURLWithPath: "/usr/bin/openssl")

    /// Whether `openssl dgst -sha256|-sha384 -verify` accepts the DER
    /// `signature` of `message` under `publicKey`.
    static func verifies(der signature: [UInt8], of message: [UInt8], publicKey: PublicKeyDescription,
                         in directory: URL) throws -> Bool {
        let stem = UUID().uuidString
        let key = directory.appendingPathComponent("\(stem).pem")
        let sig = directory.appendingPathComponent("\(stem).sig")
        let msg = directory.appendingPathComponent("\(stem).msg")
        try publicKey.pem.write(to: key, atomically: true, encoding: .utf8)
        try Data(signature).write(to: sig)
        try Data(message).write(to: msg)
        let digest = publicKey.algorithm == .es384 ? "-sha384" : "-sha256"
        let result = try TestEnvironment.run(path, ["dgst", digest, "-verify", key.path, "-signature", sig.path, msg.path])
        return result.status == 0 && result.stdout.contains("Verified OK")
    }

    /// Whether `openssl pkeyutl -verify -rawin` accepts the Ed25519 `signature`.
    static func verifiesEd25519(_ signature: [UInt8], of message: [UInt8], publicKey: PublicKeyDescription,
                                in directory: URL) throws -> Bool {
        let stem = UUID().uuidString
        let key = directory.appendingPathComponent("\(stem).pem")
        let sig = directory.appendingPathComponent("\(stem).sig")
        let msg = directory.appendingPathComponent("\(stem).msg")
        try publicKey.pem.write(to: key, atomically: true, encoding: .utf8)
        try Data(signature).write(to: sig)
        try Data(message).write(to: msg)
        let result = try TestEnvironment.run(path, ["pkeyutl", "-verify", "-pubin", "-inkey", key.path, "-rawin",
                                                    "-in", msg.path, "-sigfile", sig.path])
        return result.status == 0 && result.stdout.contains("Signature Verified Successfully")
    }
}
