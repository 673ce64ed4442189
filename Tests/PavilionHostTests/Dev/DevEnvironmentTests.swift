import Foundation
import PavilionCrypto
import PavilionHost
import PavilionStore
import PavilionTestSupport
import XCTest

final class DevEnvironmentTests: XCTestCase {
    private var root: URL!
    private var data: String { root.appendingPathComponent("data").path }

    override func setUpWithError() throws {
        root = try TestEnvironment.makeTemporaryDirectory("pavilion-dev")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    private func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func testFirstRunCreatesEverythingWithPrivateKeyFiles() async throws {
        let setup = try await DevEnvironment.prepare(dataDirectory: data, connectors: ["echo", "fhir-patient"])
        XCTAssertTrue(setup.createdAnything)
        XCTAssertEqual(setup.tenant.rawValue, "dev")
        XCTAssertEqual(setup.caCertificateFile, data + "/tls/ca.pem")
        XCTAssertEqual(setup.serverKeyFile, data + "/tls/server-key.pem")
        for secret in [setup.caKeyFile, setup.serverKeyFile, setup.secretsFile] {
            XCTAssertEqual(try PEMFile.permissions(of: secret), 0o600, secret)
        }
        XCTAssertEqual(try PEMFile.permissions(of: setup.caCertificateFile), 0o644)
        XCTAssertEqual(try PEMFile.permissions(of: data), 0o700)
        XCTAssertEqual(setup.enabledConnectors, ["echo", "fhir-patient"])

        let admin = try await setup.store.authenticate(token: setup.adminKey.token)
        XCTAssertEqual(admin.key?.kind, .admin)
        XCTAssertEqual(admin.key?.id.rawValue, setup.adminKey.id)
        let tenant = try await setup.store.authenticate(token: setup.tenantKey.token)
        XCTAssertEqual(tenant.key?.tenantID?.rawValue, "dev")

        let verify = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/openssl"),
                                             ["verify", "-CAfile", setup.caCertificateFile, "-verify_hostname", "localhost",
                                              setup.serverCertificateFile])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        // The server certificate and key work for a TLS server.
        XCTAssertNoThrow(try TLSContext(configuration: .server(certificateChainFile: setup.serverCertificateFile,
                                                               privateKeyFile: setup.serverKeyFile)))
    }

    func testSecondRunReusesTheSameKeysAndCertificates() async throws {
        let first = try await DevEnvironment.prepare(dataDirectory: data, connectors: ["echo"])
        let files = [first.caCertificateFile, first.caKeyFile, first.serverCertificateFile, first.serverKeyFile, first.secretsFile]
        let before = try files.map(contents)
        let second = try await DevEnvironment.prepare(dataDirectory: data, connectors: ["camara-kyc-match"])
        XCTAssertFalse(second.createdAnything)
        XCTAssertEqual(second.adminKey, first.adminKey)
        XCTAssertEqual(second.tenantKey, first.tenantKey)
        XCTAssertEqual(try files.map(contents), before)
        XCTAssertEqual(second.enabledConnectors, ["camara-kyc-match", "echo"])
        let tenants = try await second.store.tenants()
        let adminKeys = try await second.store.apiKeys(tenant: nil)
        XCTAssertEqual(tenants.count, 1)
        XCTAssertEqual(adminKeys.count, 1)
    }

    func testARevokedKeyIsReplacedAndSaved() async throws {
        let first = try await DevEnvironment.prepare(dataDirectory: data)
        try await first.store.revokeAPIKey(id: try APIKeyID(first.tenantKey.id))
        let second = try await DevEnvironment.prepare(dataDirectory: data)
        XCTAssertTrue(second.createdAnything)
        XCTAssertEqual(second.adminKey, first.adminKey)
        XCTAssertNotEqual(second.tenantKey, first.tenantKey)
        XCTAssertTrue(try contents(second.secretsFile).contains(second.tenantKey.token))
        let third = try await DevEnvironment.prepare(dataDirectory: data)
        XCTAssertEqual(third.tenantKey, second.tenantKey)
    }

    func testMissingServerCertificateIsReissuedFromTheSameCA() async throws {
        let first = try await DevEnvironment.prepare(dataDirectory: data)
        let ca = try contents(first.caCertificateFile)
        try FileManager.default.removeItem(atPath: first.serverCertificateFile)
        let second = try await DevEnvironment.prepare(dataDirectory: data)
        XCTAssertEqual(try contents(second.caCertificateFile), ca)
        XCTAssertTrue(FileManager.default.fileExists(atPath: second.serverCertificateFile))
    }

    func testCorruptSecretsFileIsAClearError() async throws {
        let first = try await DevEnvironment.prepare(dataDirectory: data)
        let cases = ["{ not json", "[]", #"{"version": 1, "tenant": "dev", "admin_key": {"id": "key_1"}}"#,
                     #"{"version": 2, "tenant": "dev"}"#, #"{"version": 1, "tenant": "other"}"#]
        for text in cases {
            try Data(text.utf8).write(to: URL(fileURLWithPath: first.secretsFile))
            do {
                _ = try await DevEnvironment.prepare(dataDirectory: data)
                XCTFail("accepted \(text)")
            } catch {
                XCTAssertEqual(error.code, .corruptSecrets, "\(error)")
                XCTAssertTrue(error.reason.contains(first.secretsFile), error.reason)
                XCTAssertTrue(error.reason.contains("delete it"), error.reason)
            }
        }
    }

    func testUnusableCAFilesAreAClearError() async throws {
        let first = try await DevEnvironment.prepare(dataDirectory: data)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: first.caKeyFile))
        do {
            _ = try await DevEnvironment.prepare(dataDirectory: data)
            XCTFail("accepted a garbage CA key")
        } catch {
            XCTAssertEqual(error.code, .tls)
            XCTAssertTrue(error.reason.contains("PEM_read_bio_PrivateKey"), error.reason)
        }
    }

    func testKeyFilesMadeReadableAreTightenedAgain() async throws {
        let first = try await DevEnvironment.prepare(dataDirectory: data)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: first.serverKeyFile)
        _ = try await DevEnvironment.prepare(dataDirectory: data)
        XCTAssertEqual(try PEMFile.permissions(of: first.serverKeyFile), 0o600)
    }
}
