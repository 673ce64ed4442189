/// Collects the streaming client's digests a chunk at a time: a full chunk
/// is sorted and written as a run (``PSIRunFile``) to the spill directory
/// and its memory reused, so at most `chunkElements` records are held.
/// A set that fits in one chunk never touches the disk.
struct PSIChunkSpiller {
    /// Where the sorted digests come from once everything was added.
    enum Source {
        /// Everything fitted in one chunk: the sorted chunk itself.
        case memory(PSIClient.SortedArray)
        /// The k-way merge of the spilled runs.
        case runs(PSIRunMerger)
    }

    private let spill: PSISpillDirectory
    private let chunkElements: Int
    private var chunk: [PSIClient.Indexed] = []
    private var runs: [String] = []

    init(spill: PSISpillDirectory, chunkElements: Int) {
        self.spill = spill
        self.chunkElements = max(1, chunkElements)
    }

    /// Add records, spilling each time the chunk is full.
    /// - Throws: ``PSIError`` `.cacheIO` when a run cannot be written.
    mutating func add(_ records: [PSIClient.Indexed]) throws(PSIError) {
        if chunk.capacity == 0 { chunk.reserveCapacity(chunkElements) }
        var start = 0
        while start < records.count {
            let take = min(chunkElements - chunk.count, records.count - start)
            chunk += records[start ..< start + take]
            start += take
            if chunk.count == chunkElements { try spillChunk() }
        }
    }

    /// The sorted stream of everything added.
    /// - Throws: ``PSIError`` `.cacheIO`.
    mutating func finish() throws(PSIError) -> Source {
        if runs.isEmpty {
            chunk.sort()
            defer { chunk = [] }
            return .memory(PSIClient.SortedArray(records: chunk))
        }
        if !chunk.isEmpty { try spillChunk() }
        chunk = []
        var readers: [PSIRunFile.Reader] = []
        let blockRecords = PSIRunFile.readBlockRecords(runs: runs.count)
        for path in runs { readers.append(try PSIRunFile.Reader(path: path, blockRecords: blockRecords)) }
        return .runs(try PSIRunMerger(readers))
    }

    /// How many runs were written.
    var runCount: Int { runs.count }

    private mutating func spillChunk() throws(PSIError) {
        chunk.sort()
        let path = spill.newFile("run")
        try PSIRunFile.write(chunk, to: path)
        runs.append(path)
        chunk.removeAll(keepingCapacity: true)
    }
}
