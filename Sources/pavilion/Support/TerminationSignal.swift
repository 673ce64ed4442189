import Foundation

/// SIGTERM and SIGINT turned into a semaphore signal on a dispatch queue,
/// for foreground servers (`simulate`, `psi serve`) that print a ready line
/// and then wait to be stopped.
final class TerminationSignal {
    private let stop = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    /// Ignore SIGTERM and SIGINT and watch for them instead.
    init() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let stop = stop
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Block until one of the signals arrives.
    func wait() { stop.wait() }

    deinit { sources.forEach { $0.cancel() } }
}
