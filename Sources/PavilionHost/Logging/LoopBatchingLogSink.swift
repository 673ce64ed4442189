import PavilionNet
import Synchronization

/// A sink that gathers the lines written on an event loop's thread during
/// one loop iteration and hands them to its base sink in one call at the
/// iteration's end (``LoopIteration``): the access log costs one `write(2)`
/// per iteration instead of one per request.
///
/// Lines written elsewhere (the store's writer, startup, shutdown) go to
/// the base at once. Lines of one loop keep their order. A loop that stops
/// writes its lines first, so a graceful shutdown loses none; a killed
/// process may lose the lines of the iteration it was in.
public final class LoopBatchingLogSink: LogSink {
    private let base: any LogSink
    /// Lines waiting for their loop's iteration to end, by loop.
    private let pending = Mutex<[ObjectIdentifier: [UInt8]]>([:])

    /// - Parameter base: where the batches go (one `write(lineBytes:)` per batch).
    public init(base: any LogSink) { self.base = base }

    /// Write `line` and a newline.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        write(lineBytes: bytes)
    }

    /// Keep `lineBytes` (a line and its newline) for the end of the calling
    /// loop's iteration, or write it now off a loop.
    public func write(lineBytes bytes: [UInt8]) {
        guard let loop = LoopIteration.currentLoop else {
            base.write(lineBytes: bytes)
            return
        }
        let first = pending.withLock { pending -> Bool in
            if pending[loop] == nil {
                var batch = bytes
                batch.reserveCapacity(4096)
                pending[loop] = batch
                return true
            }
            pending[loop]?.append(contentsOf: bytes)
            return false
        }
        guard first else { return }
        let scheduled = LoopIteration.atEnd { [self] in flush(loop) }
        if !scheduled { flush(loop) }
    }

    /// Flush the base (lines of a loop's current iteration follow at its end).
    public func flush() { base.flush() }

    private func flush(_ loop: ObjectIdentifier) {
        if let batch = pending.withLock({ $0.removeValue(forKey: loop) }) { base.write(lineBytes: batch) }
    }
}
