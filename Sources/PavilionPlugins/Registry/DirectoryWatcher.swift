import Dispatch
import Foundation
import Synchronization

/// Polls a folder (and any extra files, such as the libraries its manifests
/// name) and calls back when anything changed: a file added, removed,
/// replaced (new inode), resized or touched (new modification time).
///
/// Polling is portable, needs no unsafe code and, at the default 200 ms,
/// notices a change well within a second.
public final class DirectoryWatcher: Sendable {
    /// What the watcher compares between polls.
    struct Stamp: Hashable {
        var modified: Date?
        var size: UInt64?
        var inode: UInt64?
    }

    private let directory: URL
    private let interval: Duration
    private let extraPaths: @Sendable () -> [String]
    private let onChange: @Sendable () -> Void
    private let queue = DispatchQueue(label: "pavilion.plugins.directory-watcher")
    private let running = Mutex<TimerBox?>(nil)

    private final class TimerBox: @unchecked Sendable {
        // Sendable: the timer is only touched under the `running` mutex and on `queue`.
        let timer: DispatchSourceTimer
        var last: [String: Stamp]

        init(timer: DispatchSourceTimer, last: [String: Stamp]) {
            self.timer = timer
            self.last = last
        }
    }

    /// - Parameters:
    ///   - directory: the folder to watch (its non-hidden entries).
    ///   - interval: time between polls (200 ms unless given).
    ///   - extraPaths: more files to watch, asked for at every poll.
    ///   - onChange: called on the watcher's queue after a poll that saw a change.
    public init(directory: URL, interval: Duration = .milliseconds(200),
                extraPaths: @escaping @Sendable () -> [String] = { [] },
                onChange: @escaping @Sendable () -> Void) {
        self.directory = directory
        self.interval = interval
        self.extraPaths = extraPaths
        self.onChange = onChange
    }

    deinit {
        stop()
    }

    /// Take a first snapshot and start polling. Calling it again does nothing.
    public func start() {
        running.withLock { box in
            guard box == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: queue)
            let current = TimerBox(timer: timer, last: snapshot())
            let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
            timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(max(milliseconds, 10)))
            timer.setEventHandler { [weak self, current] in
                guard let self else { return }
                let now = self.snapshot()
                if now != current.last {
                    current.last = now
                    self.onChange()
                }
            }
            timer.resume()
            box = current
        }
    }

    /// Stop polling. A callback already running finishes.
    public func stop() {
        running.withLock { box in
            box?.timer.cancel()
            box = nil
        }
    }

    /// Stamps of every non-hidden entry of the folder and every extra path.
    func snapshot() -> [String: Stamp] {
        let fm = FileManager.default
        var paths = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { !$0.hasPrefix(".") }
            .map { directory.appendingPathComponent($0).path }
        paths.append(contentsOf: extraPaths())
        var out: [String: Stamp] = [:]
        for path in paths {
            guard let attributes = try? fm.attributesOfItem(atPath: path) else { continue }
            out[path] = Stamp(modified: attributes[.modificationDate] as? Date,
                              size: (attributes[.size] as? NSNumber)?.uint64Value,
                              inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value)
        }
        return out
    }
}

extension ConnectorRegistry {
    /// Reload from `directory` now, then whenever the folder or a library its
    /// manifests name changes.
    /// - Parameters:
    ///   - directory: the `connectors.d` folder.
    ///   - interval: time between polls.
    /// - Returns: the running watcher; stop it (or drop it) to stop watching.
    public func watch(directory: URL, interval: Duration = .milliseconds(200)) -> DirectoryWatcher {
        let watcher = DirectoryWatcher(directory: directory, interval: interval,
                                       extraPaths: { [weak self] in self?.watchedLibraryPaths ?? [] },
                                       onChange: { [weak self] in self?.reload(directory: directory) })
        watcher.start()  // snapshot first, so nothing changed during the first reload is missed
        reload(directory: directory)
        return watcher
    }
}
