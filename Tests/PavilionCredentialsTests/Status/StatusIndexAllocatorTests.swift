import PavilionCredentials
import XCTest

/// Random index allocation: unique, spread over the whole list, refusing small lists.
final class StatusIndexAllocatorTests: XCTestCase {
    func testListsBelowTheHerdPrivacyMinimumAreRefused() {
        XCTAssertStatusError(try StatusIndexAllocator(capacity: 1_000), .listTooShort)
        XCTAssertNoThrow(try StatusIndexAllocator(capacity: StatusIndexAllocator.minimumCapacity))
        XCTAssertEqual(StatusIndexAllocator.defaultCapacity, 131_072)
    }

    func testIndicesAreUniqueAndDoNotRevealIssueOrder() throws {
        var allocator = try StatusIndexAllocator()
        var seen: [Int] = []
        for _ in 0..<2_000 { seen.append(try allocator.allocate()) }
        XCTAssertEqual(Set(seen).count, seen.count, "no double allocation")
        XCTAssertNotEqual(seen, seen.sorted(), "not handed out in order")
        // Spread over the list: each eighth of the list gets some of 2,000 uniform draws
        // (the chance that one eighth gets none is (7/8)^2000, about 1e-116).
        let eighths = Set(seen.map { $0 * 8 / allocator.capacity })
        XCTAssertEqual(eighths.count, 8)
        XCTAssertLessThan(seen.filter { $0 < 2_000 }.count, 200, "not packed at the start")
    }

    func testNearlyFullListStillAllocatesTheFreeIndicesThenRefuses() throws {
        let capacity = StatusIndexAllocator.minimumCapacity
        var allocator = try StatusIndexAllocator(capacity: capacity, allocated: Set(0..<capacity).subtracting([5, 9_000, 16_000]))
        var got: Set<Int> = []
        for _ in 0..<3 { got.insert(try allocator.allocate()) }
        XCTAssertEqual(got, [5, 9_000, 16_000])
        XCTAssertStatusError(try allocator.allocate(), .listFull)
    }

    func testAllocatedIndicesOutsideTheListAreRefused() {
        XCTAssertStatusError(try StatusIndexAllocator(capacity: 20_000, allocated: [20_000]), .indexOutOfRange)
    }
}
