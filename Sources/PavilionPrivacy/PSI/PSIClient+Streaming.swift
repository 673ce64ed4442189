import PavilionCrypto

/// The client over a set file of any size, in memory bounded by one chunk
/// of digests rather than by the set (`docs/psi.md`, "Memory").
///
/// The file is first read once to check every line (a bad line is refused
/// with `FILE:LINE:` before the first message) and fingerprinted; a file
/// that changes while the query runs is refused.
///
/// Intersection: the file is read a batch at a time; each element is
/// blinded, evaluated and unblinded as in the in-memory client, but only
/// its 12-byte digest and its line number are kept, in a chunk of
/// ``PSIStreamingOptions/chunkElements``; a full chunk is sorted and spilled
/// as a run to a private temporary directory (mode 0700). The runs are
/// merged (k-way) with the server's sorted pages; matches set one bit per
/// line; a second pass over the file hands the matching elements to the
/// caller in file order. The directory is removed when the call returns or
/// throws.
extension PSIClient {
    /// The elements of the set file that are in the server's set, in file
    /// order, each handed to `emit` once (at its first line).
    /// - Parameters:
    ///   - setPath: the client's set file, one UTF-8 element per line (``PSISetReader``).
    ///   - transport: the way to the server.
    ///   - options: the chunk size and the parent of the temporary directory.
    ///   - workers: threads for the client's hashing and multiplications.
    ///   - emit: called with the element's index (line number − 1) and bytes, ascending.
    /// - Returns: how many elements were emitted.
    /// - Throws: ``PSIError``: `.invalidSet` with `FILE:LINE:` for a bad line
    ///   (or a file changed between the two passes), `.cacheIO` for the
    ///   temporary directory, and as ``intersection(elements:transport:workers:)``.
    ///   When the file changed, some elements may already have been emitted.
    public static func intersection(setPath: String, transport: some PSITransport,
                                    options: PSIStreamingOptions = PSIStreamingOptions(),
                                    workers: Int = PSIProtocol.defaultWorkers,
                                    emit: (_ index: Int, _ element: [UInt8]) throws(PSIError) -> Void) async throws(PSIError) -> Int {
        let (total, fingerprint) = try PSISetReader.validate(path: setPath)
        let info = try await checkedInfo(transport, mode: .intersection)
        let reader = try PSISetReader(path: setPath)
        let spill = try PSISpillDirectory(parent: options.temporaryDirectory)
        defer { spill.remove() }
        var chunks = PSIChunkSpiller(spill: spill, chunkElements: options.chunkElements)
        let evaluated = try await evaluate(info: info, transport: transport, workers: workers,
                                           nextBatch: { limit throws(PSIError) in try reader.next(limit: limit) },
                                           sink: { (records: [Indexed]) throws(PSIError) in try chunks.add(records) })
        guard evaluated == total, reader.fingerprint() == fingerprint else { throw changed(setPath) }

        var matchedLines = [UInt64](repeating: 0, count: (total + 63) / 64)
        var matches = 0
        let mark = { (index: Int) throws(PSIError) -> Void in
            guard index >= 0, index < total else { throw PSIError(.cacheIO, "\(spill.path): a run holds an index out of range") }
            matchedLines[index / 64] |= 1 << UInt64(index % 64)
            matches += 1
        }
        switch try chunks.finish() {
        case .memory(var source): try await merge(&source, info: info, transport: transport, matched: mark)
        case .runs(var source): try await merge(&source, info: info, transport: transport, matched: mark)
        }
        guard matches > 0 else { return 0 }

        // Second pass: the matching elements in file order.
        let again = try PSISetReader(path: setPath)
        var index = 0
        while true {
            let batch = try again.next(limit: 65_536)
            if batch.isEmpty { break }
            for element in batch {
                if index < total, matchedLines[index / 64] & (1 << UInt64(index % 64)) != 0 { try emit(index, element) }
                index += 1
            }
        }
        guard index == total, again.fingerprint() == fingerprint else { throw changed(setPath) }
        return matches
    }

    /// How many distinct elements of the set file are in the server's set.
    ///
    /// The file is read a batch at a time into the session; the server's
    /// sorted answer (12 bytes per element, one response) is written to the
    /// temporary directory; the digests `D(a·Q_j)` of the server's pages are
    /// kept a chunk at a time, sorted and spilled as runs, and the runs are
    /// merged against the answer.
    /// - Parameters: as ``intersection(setPath:transport:options:workers:emit:)``, without `emit`.
    /// - Throws: ``PSIError`` as ``intersection(setPath:transport:options:workers:emit:)``.
    public static func cardinality(setPath: String, transport: some PSITransport,
                                   options: PSIStreamingOptions = PSIStreamingOptions(),
                                   workers: Int = PSIProtocol.defaultWorkers) async throws(PSIError) -> Int {
        let (total, fingerprint) = try PSISetReader.validate(path: setPath)
        let info = try await checkedInfo(transport, mode: .cardinality)
        let reader = try PSISetReader(path: setPath)
        let spill = try PSISpillDirectory(parent: options.temporaryDirectory)
        defer { spill.remove() }
        var sent = 0
        let (a, theirsPath) = try await sendAndSpill(info: info, transport: transport, workers: workers, spill: spill) { limit throws(PSIError) in
            let batch = try reader.next(limit: limit)
            sent += batch.count
            return batch
        } checkCount: { sent }
        guard sent == total, reader.fingerprint() == fingerprint else { throw changed(setPath) }

        var chunks = PSIChunkSpiller(spill: spill, chunkElements: options.chunkElements)
        var position = 0
        try await pageDigests(info: info, transport: transport, a: a, workers: workers, stopEarly: sent == 0) { digests throws(PSIError) in
            try chunks.add(digests.enumerated().map { Indexed(digest: $1, index: position + $0) })
            position += digests.count
        }
        let theirs = try PSIRunFile.Reader(path: theirsPath)
        switch try chunks.finish() {
        case .memory(var source): return try countCommon(&source, theirs)
        case .runs(var source): return try countCommon(&source, theirs)
        }
    }

    /// Run the session and write its checked answer to a file of the
    /// spill directory, so the answer's bytes are freed before the server's
    /// pages are read.
    private static func sendAndSpill(info: PSIServerInfo, transport: some PSITransport, workers: Int, spill: PSISpillDirectory,
                                     nextBatch: (_ limit: Int) throws(PSIError) -> [[UInt8]],
                                     checkCount: () -> Int) async throws(PSIError) -> (ECScalar, String) {
        let (a, answer) = try await sendToSession(info: info, transport: transport, workers: workers, nextBatch: nextBatch)
        let path = spill.newFile("session")
        try PSIRunFile.writeSessionDigests(answer, expected: checkCount(), to: path)
        return (a, path)
    }

    private static func changed(_ path: String) -> PSIError {
        PSIError(.invalidSet, "\(path): the file changed while the query ran")
    }

    /// How many records of `server` have a digest that `theirs` also holds (both ascending).
    private static func countCommon(_ server: inout some SortedDigests, _ theirs: PSIRunFile.Reader) throws(PSIError) -> Int {
        var count = 0
        var their = try theirs.next()
        while let record = try server.next() {
            while let t = their, t.digest < record.digest { their = try theirs.next() }
            if let t = their, t.digest == record.digest { count += 1 }
        }
        return count
    }
}
