import PavilionDynamicLinking
import XCTest

final class SharedLibraryTests: XCTestCase {
    func testAFunctionIsFoundAndCallableByItsCType() throws {
        let libc = try SharedLibrary(path: "libc.so.6")
        let strlen = try libc.function("strlen", as: (@convention(c) (UnsafePointer<CChar>?) -> Int).self)
        XCTAssertEqual("pavilion".withCString { strlen($0) }, 8)
    }

    func testAMissingLibraryIsRefusedWithDlerrorsText() {
        XCTAssertThrowsError(try SharedLibrary(path: "/nonexistent/libnothing.so")) { error in
            let e = error as? DynamicLinkingError
            XCTAssertEqual(e?.call, "dlopen")
            XCTAssertTrue(e?.message.contains("libnothing.so") == true, e?.message ?? "")
        }
    }

    func testAMissingSymbolIsRefused() throws {
        let libc = try SharedLibrary(path: "libc.so.6")
        XCTAssertThrowsError(try libc.function("pavilion_no_such_symbol", as: (@convention(c) () -> Void).self)) { error in
            XCTAssertEqual((error as? DynamicLinkingError)?.call, "dlsym")
        }
    }
}
