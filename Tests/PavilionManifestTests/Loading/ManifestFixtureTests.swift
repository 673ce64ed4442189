import Foundation
import PavilionCore
import PavilionManifest
import PavilionTestSupport
import XCTest

/// Every fixture in Tests/Fixtures/manifests: the good ones load, the bad
/// ones are refused with the diagnostic listed in bad/expected.json.
final class ManifestFixtureTests: XCTestCase {
    static let good = TestEnvironment.fixtures("manifests/good")
    static let bad = TestEnvironment.fixtures("manifests/bad")

    func testEveryGoodFixtureLoads() throws {
        let files = try ManifestLoader.manifestFiles(in: Self.good.path)
        XCTAssertGreaterThanOrEqual(files.count, 5)
        for file in files {
            do {
                _ = try ManifestLoader.load(path: file)
            } catch {
                XCTFail("\(file) was refused:\n\(error)")
            }
        }
    }

    func testEveryBadFixtureIsRefusedWithItsExpectedDiagnostic() throws {
        let expected = try Self.expectations()
        let files = try ManifestLoader.manifestFiles(in: Self.bad.path)
        XCTAssertGreaterThanOrEqual(files.count, 20)
        XCTAssertEqual(Set(files.map { ($0 as NSString).lastPathComponent }), Set(expected.keys),
                       "bad/expected.json must list exactly the bad fixtures")
        for file in files {
            let name = (file as NSString).lastPathComponent
            do {
                _ = try ManifestLoader.load(path: file)
                XCTFail("\(name) was accepted")
            } catch {
                let diagnostics = error.diagnostics
                XCTAssertFalse(diagnostics.isEmpty, name)
                XCTAssertEqual(diagnostics, diagnostics.sorted { $0.location < $1.location }, "\(name): not sorted")
                for d in diagnostics {
                    XCTAssertEqual(d.location.file, file, name)
                    XCTAssertTrue(d.description.hasPrefix("\(file):\(d.location.line):\(d.location.column): error: "), name)
                }
                for (position, fragment) in expected[name] ?? [] {
                    let hit = diagnostics.contains {
                        "\($0.location.line):\($0.location.column)" == position && $0.message.contains(fragment)
                    }
                    XCTAssertTrue(hit, "\(name): expected \(position) \"\(fragment)\", got:\n\(error)")
                }
            }
        }
    }

    /// bad/expected.json: file name → ["LINE:COL", "fragment"] or a list of such pairs.
    static func expectations() throws -> [String: [(String, String)]] {
        let data = try Data(contentsOf: bad.appendingPathComponent("expected.json"))
        let json = try JSONParser().parse(bytes: Array(data))
        var out: [String: [(String, String)]] = [:]
        for (name, value) in json.objectValue ?? [:] {
            let array = value.arrayValue ?? []
            let pairs = array.first?.arrayValue == nil ? [array] : array.compactMap(\.arrayValue)
            out[name] = pairs.map { ($0.first?.stringValue ?? "", $0.last?.stringValue ?? "") }
        }
        return out
    }
}
