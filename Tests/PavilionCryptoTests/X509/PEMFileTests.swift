import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class PEMFileTests: XCTestCase {
    func testWritesWithTheModeAndReplacesAtomically() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("pavilion-pem")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("key.pem").path
        try PEMFile.write("first\n", to: path)
        XCTAssertEqual(try PEMFile.permissions(of: path), 0o600)
        try PEMFile.write("second\n", to: path, mode: PEMFile.publicMode)
        XCTAssertEqual(try PEMFile.permissions(of: path), 0o644)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["key.pem"])
    }

    func testMissingFolderIsATypedError() throws {
        XCTAssertThrowsError(try PEMFile.write("x", to: "/nonexistent-pavilion-dir/key.pem")) { error in
            let crypto = error as? CryptoError
            XCTAssertEqual(crypto?.call, "open")
            XCTAssertTrue(crypto?.reason.contains("No such file or directory") == true, "\(error)")
        }
    }
}
