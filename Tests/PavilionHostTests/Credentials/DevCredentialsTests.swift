import Foundation
import PavilionCore
import PavilionHSM
import PavilionHost
import PavilionManifest
import PavilionTestSupport
import XCTest

/// `serve --dev`'s credential keys: created once with a private master key,
/// re-used on the next run, and written as a section the parser accepts.
final class DevCredentialsTests: XCTestCase {
    func testFirstRunCreatesKeysPerRegionAndASecondRunReusesThem() throws {
        let data = try TestEnvironment.makeTemporaryDirectory("pavilion-dev-credentials").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let first = try DevCredentials.prepare(dataDirectory: data, regions: ["eu-west", "us-east", "eu-west"],
                                               issuer: "https://127.0.0.1:8443")
        XCTAssertEqual(Set(first.regions.keys), ["eu-west", "us-east"])
        let master = (data as NSString).appendingPathComponent(DevCredentials.masterKeyFile)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: master)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o600)
        let keyring = try SigningKeyring.open(first)
        let second = try DevCredentials.prepare(dataDirectory: data, regions: ["eu-west", "us-east"], issuer: "https://127.0.0.1:8443")
        XCTAssertEqual(second, first)
        let again = try SigningKeyring.open(second)
        XCTAssertEqual(again.jwks, keyring.jwks)
        XCTAssertEqual(keyring.jwks["keys"]?.arrayValue?.count, 4)
        XCTAssertEqual(keyring.regions["eu-west"]?.edDSA?.algorithm, .edDSA)

        // The YAML section reads back to the same configuration.
        let yaml = """
            listen: { host: 127.0.0.1, port: 8443 }
            tls: off
            data_dir: "\(data)"
            connectors_dir: "\(data)"

            """ + DevCredentials.yaml(first)
        let config = try HostConfiguration.parse(try YAMLDocument.parse(bytes: Array(yaml.utf8), file: data + "/pavilion.yaml"))
        XCTAssertEqual(config.credentials, first)
    }
}
