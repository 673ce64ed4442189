import Foundation
import PavilionHSM
import PavilionTestSupport
import XCTest

/// Loading modules and logging in, with SoftHSM2 and with things that are not PKCS #11 modules.
final class PKCS11ModuleTests: XCTestCase {
    func testSoftHSMLoadsAndReportsItsToken() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let module = try PKCS11Module(path: SoftHSMFixture.modulePath)
        let info = try module.info()
        XCTAssertEqual(info.manufacturer, "SoftHSM")
        XCTAssertTrue(info.cryptokiVersion.hasPrefix("2.") || info.cryptokiVersion.hasPrefix("3."), info.cryptokiVersion)
        XCTAssertEqual(try module.token(labeled: hsm.tokenLabel).label, hsm.tokenLabel)
    }

    func testMissingModulePathIsReportedAsNotFound() {
        XCTAssertThrowsError(try PKCS11Module(path: "/nonexistent/libpkcs11-\(UUID().uuidString).so")) { error in
            let error = error as? PKCS11Error
            XCTAssertEqual(error?.code, .moduleNotFound)
            XCTAssertTrue(error?.reason.contains("/nonexistent/") ?? false, "\(String(describing: error))")
        }
    }

    func testLibraryThatIsNotPKCS11IsRefused() throws {
        let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        let path = try XCTUnwrap(libc, "no libc.so.6 found")
        XCTAssertThrowsError(try PKCS11Module(path: path)) { error in
            let error = error as? PKCS11Error
            XCTAssertEqual(error?.code, .notAPKCS11Module)
            XCTAssertEqual(error?.call, "dlsym")
            XCTAssertTrue(error?.reason.contains("C_GetFunctionList") ?? false, "\(String(describing: error))")
        }
    }

    func testFileThatIsNotALibraryIsRefusedByTheLinker() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("libfake.so")
        try "not an ELF file".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PKCS11Module(path: file.path)) { error in
            XCTAssertEqual((error as? PKCS11Error)?.code, .moduleLoadFailed)
            XCTAssertEqual((error as? PKCS11Error)?.call, "dlopen")
        }
    }

    func testWrongPINIsRefusedWithPinIncorrect() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let module = try PKCS11Module(path: SoftHSMFixture.modulePath)
        var pin = Array("not-the-pin".utf8)
        XCTAssertThrowsError(try module.openToken(labeled: hsm.tokenLabel, pin: &pin)) { error in
            let error = error as? PKCS11Error
            XCTAssertEqual(error?.code, .pinIncorrect)
            XCTAssertEqual(error?.call, "C_Login")
            XCTAssertEqual(error?.returnValue?.name, "CKR_PIN_INCORRECT")
        }
        XCTAssertTrue(pin.isEmpty, "the PIN buffer is wiped and emptied even when login fails")
    }

    func testRightPINIsWipedAfterLogin() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let module = try PKCS11Module(path: SoftHSMFixture.modulePath)
        var pin = Array(hsm.pin.utf8)
        let token = try module.openToken(labeled: hsm.tokenLabel, pin: &pin)
        XCTAssertTrue(pin.isEmpty)
        XCTAssertEqual(token.description.label, hsm.tokenLabel)
    }

    func testUnknownTokenLabelNamesTheTokensThatExist() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let module = try PKCS11Module(path: SoftHSMFixture.modulePath)
        var pin = Array(hsm.pin.utf8)
        XCTAssertThrowsError(try module.openToken(labeled: "no-such-token", pin: &pin)) { error in
            let error = error as? PKCS11Error
            XCTAssertEqual(error?.code, .tokenNotFound)
            XCTAssertTrue(error?.reason.contains(hsm.tokenLabel) ?? false, "\(String(describing: error))")
        }
        XCTAssertTrue(pin.isEmpty)
    }

    func testMissingPINSourceIsReported() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let configuration = HSMConfiguration(modulePath: SoftHSMFixture.modulePath, tokenLabel: hsm.tokenLabel,
                                             pin: .environment("PAVILION_TEST_UNSET_PIN_\(UUID().uuidString.prefix(8))"))
        XCTAssertThrowsError(try configuration.openToken()) { error in
            XCTAssertEqual((error as? PKCS11Error)?.code, .pinUnavailable)
        }
    }

    func testTwoModulesForOneFileShareOneInitialisation() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let first = try PKCS11Module(path: SoftHSMFixture.modulePath)
        let second = try PKCS11Module(path: SoftHSMFixture.modulePath)  // no CKR_CRYPTOKI_ALREADY_INITIALIZED
        XCTAssertEqual(try first.tokens(), try second.tokens())
    }

    func testReturnValueNames() {
        XCTAssertEqual(PKCS11ReturnValue(rawValue: 0).name, "CKR_OK")
        XCTAssertEqual(PKCS11ReturnValue(rawValue: 0x11).name, "CKR_ATTRIBUTE_SENSITIVE")
        XCTAssertEqual(PKCS11ReturnValue(rawValue: 0x6a).name, "CKR_KEY_UNEXTRACTABLE")
        XCTAssertEqual(PKCS11ReturnValue(rawValue: 0xa0).name, "CKR_PIN_INCORRECT")
        XCTAssertEqual(PKCS11ReturnValue(rawValue: 0x8000_0005).name, "CKR_VENDOR_DEFINED+0x5")
        XCTAssertEqual(PKCS11ReturnValue(rawValue: 0x7777).name, "CKR_0x7777")
    }
}
