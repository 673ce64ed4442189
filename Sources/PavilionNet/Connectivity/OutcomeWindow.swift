/// The last `capacity` call outcomes (a count-based sliding window), with the
/// number of failures among them kept up to date.
struct OutcomeWindow: Sendable, Hashable {
    private var ring: [Bool]  // true = failure
    private var next = 0
    private(set) var count = 0
    private(set) var failures = 0

    init(capacity: Int) {
        ring = Array(repeating: false, count: max(1, capacity))
    }

    var capacity: Int { ring.count }

    mutating func record(failure: Bool) {
        if count == ring.count {
            if ring[next] { failures -= 1 }
        } else {
            count += 1
        }
        ring[next] = failure
        if failure { failures += 1 }
        next = (next + 1) % ring.count
    }
}
