import Foundation
import PavilionCore
import PavilionHost
import PavilionManifest
import XCTest

/// The `credentials:` section of pavilion.yaml.
final class CredentialsConfigurationTests: XCTestCase {
    private let head = """
        listen: { host: 127.0.0.1, port: 8443 }
        tls: off
        data_dir: data
        connectors_dir: connectors.d

        """

    private func parse(_ text: String) throws -> HostConfiguration {
        try HostConfiguration.parse(try YAMLDocument.parse(bytes: Array((head + text).utf8), file: "/etc/pavilion/pavilion.yaml"))
    }

    private func problems(_ text: String) throws -> [String] {
        do {
            _ = try parse(text)
            XCTFail("accepted:\n\(text)")
            return []
        } catch let error as HostConfigurationError {
            return error.diagnostics.map(\.description)
        }
    }

    func testSoftwareKeysAreReadWithPathsRelativeToTheFile() throws {
        let config = try parse("""
            credentials:
              issuer: https://issuer.example
              lifetime_seconds: 3600
              keys: { software: { directory: keys, master_key_file: /secure/master.key } }
              regions:
                eu-west: { es256: eu-es256, eddsa: eu-eddsa }
                us-east: { es256: us-es256 }
            """)
        let credentials = try XCTUnwrap(config.credentials)
        XCTAssertEqual(credentials.issuer, "https://issuer.example")
        XCTAssertEqual(credentials.lifetimeSeconds, 3600)
        XCTAssertEqual(credentials.keys, .software(directory: "/etc/pavilion/keys", masterKeyFile: "/secure/master.key"))
        XCTAssertEqual(credentials.regions["eu-west"], .init(es256: "eu-es256", edDSA: "eu-eddsa"))
        XCTAssertEqual(credentials.regions["us-east"], .init(es256: "us-es256", edDSA: nil))
    }

    func testPKCS11KeysAndDefaultLifetime() throws {
        let config = try parse("""
            credentials:
              issuer: https://issuer.example
              keys: { pkcs11: { module: /usr/lib/softhsm/libsofthsm2.so, token: pavilion-eu, pin_env: PAVILION_HSM_PIN } }
              regions: { eu-west: { es256: eu-es256 } }
            """)
        XCTAssertEqual(config.credentials?.keys, .pkcs11(module: "/usr/lib/softhsm/libsofthsm2.so", token: "pavilion-eu",
                                                         pinEnvironment: "PAVILION_HSM_PIN"))
        XCTAssertEqual(config.credentials?.lifetimeSeconds, 86_400)
    }

    func testWithoutTheSectionTheHostIssuesNoCredentials() throws {
        XCTAssertNil(try parse("log_level: info\n").credentials)
    }

    func testUnknownKeysAndBadValuesAreRefusedWithPositions() throws {
        let found = try problems("""
            credentials:
              issuer: http://issuer.example
              keyz: {}
              keys: { software: { directory: keys, master_key: m } }
              regions: { eu-west: { es384: x } }
            """)
        let text = found.joined(separator: "\n")
        XCTAssertTrue(text.contains("pavilion.yaml:7:9: error: unknown key 'keyz' in 'credentials'"), text)
        XCTAssertTrue(text.contains("credentials.issuer must be an https URL"), text)
        XCTAssertTrue(text.contains("unknown key 'master_key'"), text)
        XCTAssertTrue(text.contains("missing key 'master_key_file'"), text)
        XCTAssertTrue(text.contains("unknown key 'es384'"), text)
        XCTAssertTrue(text.contains("region 'eu-west' names no key"), text)
    }

    func testKeysNameExactlyOneSource() throws {
        let found = try problems("""
            credentials:
              issuer: https://issuer.example
              keys: { software: { directory: k, master_key_file: m }, pkcs11: { module: x, token: t, pin_env: P } }
              regions: { eu-west: { es256: a } }
            """)
        XCTAssertTrue(found.joined().contains("exactly one of software, pkcs11"), "\(found)")
    }

    func testStatusKeyLifecycleAndTenantMaximumAgeSettings() throws {
        let config = try parse("""
            credentials:
              issuer: https://issuer.example
              keys: { software: { directory: keys, master_key_file: master.key } }
              regions: { eu-west: { es256: eu-es256 } }
              status_base_url: https://status.example/
              status_ttl_seconds: 60
              status_list_size: 262144
              key_publish_lead_seconds: 600
              key_refresh_seconds: 5
              tenant_max_age_seconds: { acme: 3600, clinic: 600 }
            """)
        let credentials = try XCTUnwrap(config.credentials)
        XCTAssertEqual(credentials.statusBaseURL, "https://status.example")
        XCTAssertEqual(credentials.statusTimeToLiveSeconds, 60)
        XCTAssertEqual(credentials.statusListSize, 262_144)
        XCTAssertEqual(credentials.keyPublishLeadSeconds, 600)
        XCTAssertEqual(credentials.keyRefreshSeconds, 5)
        XCTAssertEqual(credentials.tenantMaxAgeSeconds, ["acme": 3600, "clinic": 600])
        let defaults = try XCTUnwrap(try parse("""
            credentials:
              issuer: https://issuer.example
              keys: { software: { directory: keys, master_key_file: master.key } }
              regions: { eu-west: { es256: eu-es256 } }
            """).credentials)
        XCTAssertNil(defaults.statusBaseURL)
        XCTAssertEqual(defaults.statusTimeToLiveSeconds, 300)
        XCTAssertEqual(defaults.statusListSize, 131_072)
        XCTAssertEqual(defaults.keyPublishLeadSeconds, 300)
    }

    func testBadStatusAndLifecycleSettingsAreRefusedWithTheirPosition() throws {
        let base = """
            credentials:
              issuer: https://issuer.example
              keys: { software: { directory: keys, master_key_file: master.key } }
              regions: { eu-west: { es256: eu-es256 } }

            """
        for (line, expected) in [("  status_base_url: ftp://x", "status_base_url"), ("  status_list_size: 1000", "status_list_size"),
                                 ("  status_ttl_seconds: 0", "status_ttl_seconds"),
                                 ("  key_publish_lead_seconds: -1", "key_publish_lead_seconds"),
                                 ("  tenant_max_age_seconds: { acme: 5 }", "tenant_max_age_seconds.acme"),
                                 ("  tenant_max_age_seconds: 7", "tenant_max_age_seconds")] {
            let found = try problems(base + line + "\n")
            XCTAssertTrue(found.contains { $0.contains(expected) && $0.contains("pavilion.yaml:") }, "\(line): \(found)")
        }
    }
}
