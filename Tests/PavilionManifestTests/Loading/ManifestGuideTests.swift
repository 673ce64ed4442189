import Foundation
import PavilionManifest
import PavilionTestSupport
import XCTest

/// The examples in docs/manifest.md say what the loader really does.
final class ManifestGuideTests: XCTestCase {
    /// The fenced blocks of docs/manifest.md that follow `heading`, in order.
    func blocks(after heading: String) throws -> [String] {
        let url = TestEnvironment.packageRoot.appendingPathComponent("docs/manifest.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = try XCTUnwrap(text.components(separatedBy: heading + "\n").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        var out: [String] = []
        var current: [Substring]?
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let block = current {
                    out.append(block.joined(separator: "\n") + "\n")
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        return out
    }

    func testGoodExampleInTheGuideLoads() throws {
        let yaml = try XCTUnwrap(blocks(after: "## A good manifest").first)
        XCTAssertNoThrow(try ManifestLoader.load(text: yaml, file: "good.yaml", baseDirectory: "/tmp"))
    }

    func testBadExampleInTheGuidePrintsTheDocumentedErrors() throws {
        let found = try blocks(after: "## A bad manifest")
        XCTAssertEqual(found.count, 2)
        let yaml = found[0]
        let documented = found[1].trimmingCharacters(in: .newlines)
        XCTAssertThrowsError(try ManifestLoader.load(text: yaml, file: "bad.yaml", baseDirectory: "/tmp")) { error in
            XCTAssertEqual((error as? ManifestError)?.description, documented)
        }
    }
}
