import Foundation
import PavilionCore
import PavilionHost
import PavilionManifest
import PavilionTestSupport
import XCTest

/// `connectivity.client_certificates`: tenant → connector → client certificate files.
final class ClientCertificatesConfigurationTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try TestEnvironment.makeTemporaryDirectory("pavilion-client-certs")
        for name in ["a.pem", "a.key", "b.pem", "b.key"] {
            try Data("PEM".utf8).write(to: dir.appendingPathComponent(name))
        }
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func parse(_ connectivity: String) throws -> HostConfiguration {
        let text = """
            listen: { host: 127.0.0.1, port: 8443 }
            tls: off
            data_dir: data
            connectors_dir: connectors.d
            \(connectivity)
            """
        let document = try YAMLDocument.parse(bytes: Array(text.utf8), file: dir.appendingPathComponent("pavilion.yaml").path)
        return try HostConfiguration.parse(document)
    }

    private func problems(_ connectivity: String) throws -> [String] {
        do {
            _ = try parse(connectivity)
            XCTFail("accepted:\n\(connectivity)")
            return []
        } catch let error as HostConfigurationError {
            return error.diagnostics.map(\.description)
        }
    }

    func testCertificatesAreReadPerTenantAndConnectorWithPathsRelativeToTheFile() throws {
        let config = try parse("""
            connectivity:
              client_certificates:
                tenant-a:
                  bank-x: { certificate: a.pem, private_key: a.key }
                tenant-b:
                  bank-x: { certificate: \(dir.path)/b.pem, private_key: b.key }
            """)
        XCTAssertEqual(config.clientCertificates, [
            "tenant-a": ["bank-x": .init(certificate: dir.appendingPathComponent("a.pem").path,
                                         privateKey: dir.appendingPathComponent("a.key").path)],
            "tenant-b": ["bank-x": .init(certificate: dir.appendingPathComponent("b.pem").path,
                                         privateKey: dir.appendingPathComponent("b.key").path)],
        ])
        XCTAssertEqual(try parse("").clientCertificates, [:])
    }

    func testProblemsAreReportedWithTheirKeyPaths() throws {
        let file = dir.appendingPathComponent("pavilion.yaml").path
        let found = try problems("""
            connectivity:
              client_certs: {}
              client_certificates:
                Tenant_A:
                  bank-x: { certificate: a.pem, private_key: a.key }
                tenant-b:
                  9bank: { certificate: a.pem, private_key: a.key }
                  bank-x: { certificate: missing.pem, key: b.key }
                  bank-y: nope
            """)
        XCTAssertEqual(found, [
            "\(file):6:17: error: unknown key 'client_certs' in 'connectivity' (expected one of: client_certificates)",
            "\(file):9:7: error: tenant id \"Tenant_A\" in 'connectivity.client_certificates' is not a slug ([a-z0-9][a-z0-9-]{0,62})",
            "\(file):11:14: error: connector name \"9bank\" in 'connectivity.client_certificates.tenant-b' is not a connector name ([a-z][a-z0-9-]{0,62})",
            "\(file):12:15: error: missing key 'private_key'",
            "\(file):12:30: error: 'connectivity.client_certificates.tenant-b.bank-x.certificate': cannot read \(dir.path)/missing.pem (missing or not readable)",
            "\(file):12:48: error: unknown key 'key' in 'connectivity.client_certificates.tenant-b.bank-x' (expected one of: certificate, private_key)",
            "\(file):13:15: error: 'connectivity.client_certificates.tenant-b.bank-y' must be a mapping, not string",
        ])
    }
}
