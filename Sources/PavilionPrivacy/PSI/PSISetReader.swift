import Foundation
import PavilionCrypto

/// Reads a set file, one element per line (UTF-8), in batches, so memory
/// stays bounded by the batch and the read buffer rather than the file.
///
/// An element is the bytes of a line without its `\n` (and a `\r` before
/// it); the last line may lack its `\n`. A line that is empty, longer than
/// 65535 bytes or not valid UTF-8 is refused with its line number. The
/// reader also fingerprints the whole file as it goes (``fingerprint()``).
public final class PSISetReader {
    /// The file.
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    private var lineNumber = 0
    private var chain = [UInt8](repeating: 0, count: 32)
    /// Newline bytes in the chunks read so far.
    private(set) var newlines = 0

    /// Open `path`.
    /// - Throws: ``PSIError`` `.invalidSet` when it is missing or unreadable.
    public init(path: String) throws(PSIError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PSIError(.invalidSet, "\(path): no such set file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PSIError(.invalidSet, "\(path): cannot be read") }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next at most `limit` elements; empty at the end of the file.
    /// - Throws: ``PSIError`` `.invalidSet` naming the file and line of a bad line or a read error.
    public func next(limit: Int) throws(PSIError) -> [[UInt8]] {
        var batch: [[UInt8]] = []
        while batch.count < limit {
            guard let line = try nextLine() else { break }
            lineNumber += 1
            var element = line
            if element.last == 0x0D { element.removeLast() }
            guard !element.isEmpty else { throw PSIError(.invalidSet, "\(path):\(lineNumber): empty line") }
            guard element.count <= PSIProtocol.maxElementBytes else {
                throw PSIError(.invalidSet, "\(path):\(lineNumber): \(element.count) bytes; an element has at most \(PSIProtocol.maxElementBytes)")
            }
            guard String(validating: element, as: UTF8.self) != nil else {
                throw PSIError(.invalidSet, "\(path):\(lineNumber): not valid UTF-8")
            }
            batch.append(element)
        }
        return batch
    }

    /// Every element of the file (for a client set, which it keeps anyway).
    /// - Throws: ``PSIError`` `.invalidSet`.
    public func readAll() throws(PSIError) -> [[UInt8]] {
        var all: [[UInt8]] = []
        while true {
            let batch = try next(limit: 65_536)
            if batch.isEmpty { return all }
            all += batch
        }
    }

    /// A fingerprint of the bytes read so far (of the whole file once
    /// ``next(limit:)`` returned empty): the SHA-256 chain
    /// `c = SHA-256(c || SHA-256(chunk))` over the 1 MiB read chunks,
    /// starting from 32 zero bytes. The server's cache records it.
    public func fingerprint() -> [UInt8] { chain }

    private func nextLine() throws(PSIError) -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let line = Array(buffer[position ..< newline])
                position = newline + 1
                return line
            }
            if finished {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return line
            }
            buffer.removeFirst(position)
            position = 0
            _ = try nextChunk()
        }
    }

    /// Read the next 1 MiB into the buffer, chaining the fingerprint; false at the end.
    fileprivate func nextChunk(keep: Bool = true) throws(PSIError) -> Bool {
        let chunk: Data
        do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
            throw PSIError(.invalidSet, "\(path): read failed: \(error.localizedDescription)")
        }
        guard !chunk.isEmpty else {
            finished = true
            return false
        }
        let bytes = [UInt8](chunk)
        chain = SHA256.hash(chain + SHA256.hash(bytes))
        for byte in bytes where byte == 0x0A { newlines += 1 }
        if keep { buffer += bytes }
        return true
    }
}

extension PSISetReader {
    /// Check every line of a file and count its elements, holding one
    /// batch at a time; the streaming client does this before its first
    /// message, so a bad file costs the server nothing.
    /// - Returns: the number of elements (lines) and the file's ``fingerprint()``.
    /// - Throws: ``PSIError`` `.invalidSet` with `FILE:LINE:` for a bad line.
    public static func validate(path: String) throws(PSIError) -> (count: Int, fingerprint: [UInt8]) {
        let reader = try PSISetReader(path: path)
        var count = 0
        while true {
            let batch = try reader.next(limit: 65_536)
            if batch.isEmpty { return (count, reader.fingerprint()) }
            count += batch.count
        }
    }

    /// The ``fingerprint()`` of a whole file, reading only its bytes (no line checks).
    /// - Throws: ``PSIError`` `.invalidSet` when it is missing or unreadable.
    public static func fingerprint(path: String) throws(PSIError) -> [UInt8] {
        try scan(path: path).fingerprint
    }

    /// The ``fingerprint()`` of a whole file and an upper bound on its
    /// elements (its newlines plus one), reading only its bytes.
    static func scan(path: String) throws(PSIError) -> (fingerprint: [UInt8], maxElements: Int) {
        let reader = try PSISetReader(path: path)
        while try reader.nextChunk(keep: false) {}
        return (reader.fingerprint(), reader.newlines + 1)
    }
}
