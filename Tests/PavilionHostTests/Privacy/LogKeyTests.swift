import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHSM
@testable import PavilionHost
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// `privacy.log_key`: the receipt log signs with a key of the credentials
/// key source (here the encrypted software store; a PKCS #11 token works
/// the same way) instead of the key derived from the privacy secret.
final class LogKeyTests: XCTestCase {
    private func keySource(_ algorithm: SigningAlgorithm) throws -> (CredentialsConfiguration, any Signer) {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-log-keys")
        let master = dir.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: master)
        let keys = dir.appendingPathComponent("keys").path
        let store = try SoftwareKeyStore(directory: keys, masterKey: .file(master))
        _ = try store.generate(label: "local-es256", algorithm: .es256)
        let logKey = try store.generate(label: "receipt-log", algorithm: algorithm)
        let credentials = CredentialsConfiguration(issuer: "https://issuer.example", keys: .software(directory: keys, masterKeyFile: master),
                                                   regions: ["local": .init(es256: "local-es256", edDSA: nil)])
        return (credentials, logKey)
    }

    func testReceiptsAndTreeHeadsAreSignedByTheConfiguredKey() async throws {
        for algorithm in [SigningAlgorithm.edDSA, .es256] {
            let (credentials, logKey) = try keySource(algorithm)
            var privacy = PrivacyConfiguration()
            privacy.logKey = "receipt-log"
            let host = try await HostHarness(credentials: credentials, privacy: privacy)
            do {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody())
                XCTAssertEqual(r.status, 200, r.text)
                let expected = try HSMLogSigner(signer: logKey).publicKey
                XCTAssertEqual(expected.rawRepresentation, logKey.publicKey.rawRepresentation)
                let bundle = try await host.send("GET", "/v1/privacy/log/receipts/0", key: host.acmeKey)
                XCTAssertEqual(bundle.status, 200, bundle.text)
                let report = ReceiptBundle.verify(json: try XCTUnwrap(bundle.json), pinnedKey: expected)
                XCTAssertTrue(report.isValid, "\(algorithm): \(String(describing: report.failure))")
                XCTAssertEqual(bundle.json?["tree_head"]?["signature"]?["alg"]?.stringValue, algorithm.rawValue)
                // The key derived from the privacy secret is not the log's key now.
                let derived = try PrivacySecret.loadOrCreate(configured: nil, dataDirectory: host.root.appendingPathComponent("data").path)
                    .logPublicKey()
                XCTAssertFalse(ReceiptBundle.verify(json: try XCTUnwrap(bundle.json), pinnedKey: derived).isValid)
            } catch {
                await host.stop()
                throw error
            }
            await host.stop()
        }
    }

    func testAnUnknownLogKeyStopsTheStart() async throws {
        let (credentials, _) = try keySource(.edDSA)
        var privacy = PrivacyConfiguration()
        privacy.logKey = "no-such-key"
        do {
            let host = try await HostHarness(credentials: credentials, privacy: privacy)
            await host.stop()
            XCTFail("a missing log key must stop the start")
        } catch let error as HostServiceError {
            XCTAssertEqual(error.code, .configuration)
        }
    }
}
