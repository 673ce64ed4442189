/// The k-way merge of sorted runs (``PSIRunFile/Reader``) into one
/// ascending stream, through a binary min-heap of each run's head: memory
/// is one block per run plus one record per run.
struct PSIRunMerger: PSIClient.SortedDigests {
    private var runs: [PSIRunFile.Reader]
    /// (head record, run) pairs, a min-heap on the record.
    private var heap: [(record: PSIClient.Indexed, run: Int)] = []

    /// - Parameter runs: readers of sorted runs.
    /// - Throws: ``PSIError`` `.cacheIO` from reading the first records.
    init(_ runs: [PSIRunFile.Reader]) throws(PSIError) {
        self.runs = runs
        for (i, run) in runs.enumerated() {
            if let record = try run.next() { push((record, i)) }
        }
    }

    mutating func next() throws(PSIError) -> PSIClient.Indexed? {
        guard let top = heap.first else { return nil }
        if let replacement = try runs[top.run].next() {
            heap[0] = (replacement, top.run)
            siftDown(0)
        } else {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        }
        return top.record
    }

    private mutating func push(_ entry: (record: PSIClient.Indexed, run: Int)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].record < heap[parent].record else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].record < heap[smallest].record { smallest = left }
            if right < heap.count, heap[right].record < heap[smallest].record { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
