import Foundation
import PavilionCore
import PavilionCredentials
import PavilionHSM
import PavilionHost
import PavilionStore
import PavilionTestSupport
import XCTest

/// The signing key lifecycle through the store's registry: a new key is
/// published before it signs, rotation keeps the retired key in the JWKS
/// until its credentials have expired (so they keep verifying), then it is
/// dropped. And status indices are drawn at random without repeats.
final class SigningKeyLifecycleTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try TestEnvironment.makeTemporaryDirectory("pavilion-key-lifecycle") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func setUp(lifetime: Int = 3600) throws -> (CredentialsConfiguration, SoftwareKeyStore, SQLiteStore) {
        let master = dir.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: master)
        let keys = dir.appendingPathComponent("keys").path
        let software = try SoftwareKeyStore(directory: keys, masterKey: .file(master))
        _ = try software.generate(label: "eu-es256", algorithm: .es256)
        let configuration = CredentialsConfiguration(issuer: "https://issuer.example",
                                                     keys: .software(directory: keys, masterKeyFile: master),
                                                     regions: ["eu": .init(es256: "eu-es256", edDSA: nil)], lifetimeSeconds: lifetime)
        return (configuration, software, try SQLiteStore(dataDirectory: dir.appendingPathComponent("data").path))
    }

    private static func adapter(_ signer: some Signer) -> any JWSSigner { SignerJWSAdapter(signer) }

    private func kids(_ keyring: SigningKeyring, at date: Date) -> [String: String] {
        var out: [String: String] = [:]
        for key in keyring.jwks(at: date)["keys"]?.arrayValue ?? [] {
            out[key["kid"]?.stringValue ?? ""] = key["pavilion_state"]?.stringValue ?? "-"
        }
        return out
    }

    func testRotationPublishesFirstKeepsOldCredentialsVerifiableAndDropsTheRetiredKeyAfterExpiry() async throws {
        let (configuration, software, store) = try setUp(lifetime: 3600)
        let t0 = Date()
        let registry = try SigningKeyRegistry(configuration, store: store)
        try await registry.refresh(now: t0)
        let old = try XCTUnwrap(registry.current.signer(algorithm: .es256, region: "eu", at: t0))
        let adopted = try await store.signingKeys()
        XCTAssertEqual(adopted.map(\.label), ["eu-es256"])

        // A credential signed by the old key.
        let credential = try VerifiableCredential(types: ["PavilionVerification"], issuer: configuration.issuer,
                                                  subject: ["age_over_18": true], validFrom: t0, validUntil: t0.addingTimeInterval(3600))
        let token = try VCJWT.secure(credential, signer: Self.adapter(old))

        // Rotate: the new key is published at t0 and signs from t0 + 300; the old one retires then.
        let new = try software.generate(label: "eu-es256-2", algorithm: .es256)
        let activates = t0.addingTimeInterval(300)
        try await store.registerSigningKey(SigningKeyRecord(kid: new.keyID, label: "eu-es256-2", region: "eu", algorithm: "ES256",
                                                            publishedAt: t0, activatesAt: activates))
        try await store.updateSigningKey(kid: old.keyID, activatesAt: t0, retiredAt: activates)
        try await registry.refresh(now: t0)
        let keyring = registry.current

        // Published before it signs.
        XCTAssertEqual(kids(keyring, at: t0.addingTimeInterval(10)), [old.keyID: "active", new.keyID: "published"])
        XCTAssertEqual(keyring.signer(algorithm: .es256, region: "eu", at: t0.addingTimeInterval(10))?.keyID, old.keyID)
        // After the lead the new key signs; the old one is retired but still published.
        let later = t0.addingTimeInterval(600)
        XCTAssertEqual(keyring.signer(algorithm: .es256, region: "eu", at: later)?.keyID, new.keyID)
        XCTAssertEqual(kids(keyring, at: later), [old.keyID: "retired", new.keyID: "active"])
        // The old credential still verifies with the JWKS served then.
        let served = try JWKSet(json: keyring.jwks(at: later))
        let key = try XCTUnwrap(served.keys.first { $0.keyID == old.keyID })
        XCTAssertNoThrow(try VCJWT.verify(token, key: key, clock: FixedCredentialClock(later)))
        // Once every credential it signed has expired (retirement + lifetime) the retired key is dropped.
        let expired = activates.addingTimeInterval(3600 + 1)
        XCTAssertEqual(kids(keyring, at: expired), [new.keyID: "active"])
        let stored = try await store.signingKeys()
        XCTAssertEqual(stored.first { $0.kid == old.keyID }?.state(at: expired, lifetime: 3600), .dropped)
    }

    func testAConfiguredKeyIsAdoptedOnceAndARetiredRegionStopsSigning() async throws {
        let (configuration, _, store) = try setUp()
        let t0 = Date()
        let registry = try SigningKeyRegistry(configuration, store: store)
        try await registry.refresh(now: t0)
        try await registry.refresh(now: t0)
        let records = try await store.signingKeys()
        XCTAssertEqual(records.count, 1)
        let kid = try XCTUnwrap(records.first?.kid)
        try await store.updateSigningKey(kid: kid, activatesAt: t0, retiredAt: t0)
        try await registry.refresh(now: t0)
        XCTAssertNil(registry.current.signer(algorithm: .es256, region: "eu", at: t0.addingTimeInterval(1)))
        XCTAssertEqual(kids(registry.current, at: t0.addingTimeInterval(1)), [kid: "retired"])
    }

    func testRegistryRefusesBadRecords() async throws {
        let (_, _, store) = try setUp()
        let now = Date()
        for record in [SigningKeyRecord(kid: "bad kid", label: "a", region: "eu", algorithm: "ES256", publishedAt: now, activatesAt: now),
                       SigningKeyRecord(kid: "abc", label: "../x", region: "eu", algorithm: "ES256", publishedAt: now, activatesAt: now),
                       SigningKeyRecord(kid: "abc", label: "a", region: "", algorithm: "ES256", publishedAt: now, activatesAt: now),
                       SigningKeyRecord(kid: "abc", label: "a", region: "eu", algorithm: "none", publishedAt: now, activatesAt: now)] {
            do {
                try await store.registerSigningKey(record)
                XCTFail("accepted \(record)")
            } catch {
                XCTAssertEqual(error.code, .invalidInput)
            }
        }
        let good = SigningKeyRecord(kid: "abc_-1", label: "a", region: "eu", algorithm: "ES256", publishedAt: now, activatesAt: now)
        try await store.registerSigningKey(good)
        do {
            try await store.registerSigningKey(good)
            XCTFail("registered twice")
        } catch {
            XCTAssertEqual(error.code, .duplicate)
        }
        do {
            try await store.updateSigningKey(kid: "nope", activatesAt: now, retiredAt: nil)
            XCTFail("updated an unknown key")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
    }

    func testStatusIndicesAreRandomAndNeverRepeat() async throws {
        let (_, _, store) = try setUp()
        let service = CredentialStatusService(store: store, baseURL: "https://issuer.example")
        let tenant = try TenantID("acme")
        var indices: [Int] = []
        var lists = Set<Int64>()
        for _ in 0..<300 {
            let id = try VerificationID.generate()
            let entry = try await service.allocate(verification: id.rawValue, tenant: tenant, region: "eu")
            indices.append(entry.index)
            lists.insert(entry.listID)
        }
        XCTAssertEqual(Set(indices).count, indices.count, "an index was reused")
        XCTAssertEqual(lists.count, 1)
        XCTAssertTrue(indices.allSatisfy { (0..<131_072).contains($0) })
        XCTAssertNotEqual(indices, indices.sorted(), "indices follow issue order")
        let ascending = zip(indices, indices.dropFirst()).filter { $0 < $1 }.count
        XCTAssertTrue((90...210).contains(ascending), "\(ascending) of 299 steps go up; random draws give about half")
        // A credential gets one entry only; bad allocation inputs are refused.
        let first = try VerificationID.generate()
        _ = try await service.allocate(verification: first.rawValue, tenant: tenant, region: "eu")
        do {
            _ = try await service.allocate(verification: first.rawValue, tenant: tenant, region: "eu")
            XCTFail("allocated twice")
        } catch {
            XCTAssertEqual(error.status, 500)
        }
        do {
            _ = try await store.allocateCredentialStatus(verification: try VerificationID.generate(), tenant: tenant, region: "eu",
                                                         capacity: 1000, fillLimit: 10, candidates: [1])
            XCTFail("accepted a list below 16,384 entries")
        } catch {
            XCTAssertEqual(error.code, .invalidInput)
        }
    }

    /// A key created for a rotation in SoftHSM2 stays inside the token
    /// (non-extractable, sensitive) and what it signs verifies with the JWKS.
    func testARotatedHSMKeyIsNonExtractableAndVerifiesWithTheJWKS() async throws {
        let module = "/usr/lib/softhsm/libsofthsm2.so", utility = "/usr/bin/softhsm2-util"
        guard FileManager.default.fileExists(atPath: module), FileManager.default.isExecutableFile(atPath: utility) else {
            throw XCTSkip("SoftHSM2 is not installed (apt-get install softhsm2, or script/deps)")
        }
        let tokens = dir.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("softhsm2.conf")
        try "directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\n".write(to: conf, atomically: true, encoding: .utf8)
        setenv("SOFTHSM2_CONF", conf.path, 1)
        setenv("PAVILION_LIFECYCLE_TEST_PIN", "user-pin-1234", 1)
        let made = try TestEnvironment.run(URL(fileURLWithPath: utility), ["--init-token", "--free", "--label", "lifecycle",
                                                                          "--pin", "user-pin-1234", "--so-pin", "so-pin-5678"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let keys = CredentialsConfiguration.KeySource.pkcs11(module: module, token: "lifecycle", pinEnvironment: "PAVILION_LIFECYCLE_TEST_PIN")
        let source = try SigningKeySource.open(keys)
        let signer = try source.generate(label: "eu-es256-hsm", algorithm: .es256)
        let policy = try HSMConfiguration(modulePath: module, tokenLabel: "lifecycle", pin: .environment("PAVILION_LIFECYCLE_TEST_PIN"))
            .openToken().keyPair(labeled: "eu-es256-hsm").policy
        XCTAssertEqual(policy.isExtractable, false)
        XCTAssertEqual(policy.isSensitive, true)
        XCTAssertEqual(policy.violations, [])

        let store = try SQLiteStore(dataDirectory: dir.appendingPathComponent("data").path)
        let now = Date()
        try await store.registerSigningKey(SigningKeyRecord(kid: signer.keyID, label: "eu-es256-hsm", region: "eu", algorithm: "ES256",
                                                            publishedAt: now, activatesAt: now))
        let configuration = CredentialsConfiguration(issuer: "https://issuer.example", keys: keys, regions: [:])
        let registry = try SigningKeyRegistry(configuration, store: store)
        try await registry.refresh(now: now)
        let active = try XCTUnwrap(registry.current.signer(algorithm: .es256, region: "eu", at: now.addingTimeInterval(1)))
        XCTAssertEqual(active.keyID, signer.keyID)
        let credential = try VerifiableCredential(types: ["PavilionVerification"], issuer: configuration.issuer, subject: ["ok": true],
                                                  validFrom: now, validUntil: now.addingTimeInterval(600))
        let token = try VCJWT.secure(credential, signer: Self.adapter(active))
        let served = try JWKSet(json: registry.current.jwks(at: now.addingTimeInterval(1)))
        XCTAssertNoThrow(try VCJWT.verify(token, key: try XCTUnwrap(served.keys.first { $0.keyID == signer.keyID }),
                                          clock: FixedCredentialClock(now.addingTimeInterval(1))))
    }
}
