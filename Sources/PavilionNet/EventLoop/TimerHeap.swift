/// A binary min-heap of deadlines (monotonic nanoseconds) and the work due then.
/// Entries cannot be cancelled; owners check on firing whether the deadline
/// still matters (one armed entry per owner keeps the heap small).
struct TimerHeap {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var work: () -> Void
        func isBefore(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var earliest: UInt64? { entries.first?.deadline }

    mutating func schedule(at deadline: UInt64, _ work: @escaping () -> Void) {
        nextSequence &+= 1
        entries.append(Entry(deadline: deadline, sequence: nextSequence, work: work))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].isBefore(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Remove and return the work of every entry due at or before `now`.
    mutating func popDue(now: UInt64) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = entries.first, first.deadline <= now {
            due.append(first.work)
            let last = entries.removeLast()
            if !entries.isEmpty {
                entries[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    let right = left + 1
                    var smallest = parent
                    if left < entries.count, entries[left].isBefore(entries[smallest]) { smallest = left }
                    if right < entries.count, entries[right].isBefore(entries[smallest]) { smallest = right }
                    if smallest == parent { break }
                    entries.swapAt(parent, smallest)
                    parent = smallest
                }
            }
        }
        return due
    }
}
