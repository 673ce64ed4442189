import Foundation
import PavilionCore
import PavilionCrypto
import PavilionManifest
import Synchronization

/// The connectors the host serves, by name, kept in step with a
/// `connectors.d/` folder.
///
/// ``reload(directory:)`` compares the folder with what is loaded:
/// - a new manifest is loaded (library verified, described, instance created);
/// - a manifest or library whose content changed is loaded as a new version
///   beside the old, and swapped in only if that succeeds — otherwise the
///   last good version keeps serving and ``ConnectorStatus/lastFailure``
///   says why;
/// - a removed manifest's connector drains: new lookups no longer find it,
///   running exchanges finish, then the library is unloaded;
/// - a file that fails to parse, or claims a name another file already
///   defines, is reported and skipped. None of this disturbs other connectors.
///
/// Lookups (``instance(named:)``) are cheap and may run on any thread while a
/// reload is loading libraries; reloads are serialised.
public final class ConnectorRegistry: Sendable {
    private let loader: LibraryLoader
    private let manifests: any ManifestSource
    private let reloadLock = Mutex<Void>(())
    private let state = Mutex(State())
    private let changed = NSCondition()

    private struct Fingerprint: Hashable {
        var manifest: String
        var library: String
    }

    private struct Entry {
        var file: String
        var serving: ConnectorInstance?
        var manifest: Manifest?
        var lastAttempt: Fingerprint?
        var lastFailure: String?
        /// The library of the last attempt, watched even when it failed to load.
        var attemptedLibrary: String?
    }

    private struct Draining {
        var name: String
        var file: String
        weak var instance: ConnectorInstance?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var draining: [Draining] = []
        var fileProblems: [String: String] = [:]
        var generation: UInt64 = 0
    }

    /// - Parameters:
    ///   - loader: verifies and loads libraries (its services go to every plugin).
    ///   - manifests: parses manifest files.
    public init(loader: LibraryLoader, manifests: any ManifestSource) {
        self.loader = loader
        self.manifests = manifests
    }

    // MARK: - Lookups

    /// The serving instance of connector `name`, or `nil`. Holding the
    /// instance (or an exchange on it) keeps that version alive even if a
    /// reload replaces or removes it meanwhile.
    public func instance(named name: String) -> ConnectorInstance? {
        state.withLock { $0.entries[name]?.serving }
    }

    /// The status of every known connector, sorted by name.
    public func statuses() -> [ConnectorStatus] {
        state.withLock { state in
            state.draining.removeAll { $0.instance == nil }
            var out = state.entries.map { name, entry in Self.status(name: name, entry: entry) }
            for drain in state.draining where state.entries[drain.name] == nil {
                out.append(ConnectorStatus(name: drain.name, file: drain.file, state: .draining))
            }
            return out.sorted { $0.name < $1.name }
        }
    }

    /// The status of connector `name`, or `nil` when it is unknown.
    public func status(named name: String) -> ConnectorStatus? {
        statuses().first { $0.name == name }
    }

    /// Manifest files that define no connector now (parse errors, duplicate
    /// names), with the error, by path.
    public var fileProblems: [String: String] { state.withLock { $0.fileProblems } }

    /// Incremented at the end of every reload.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wait until `predicate` holds, re-checking after every reload, for at
    /// most `timeout` seconds.
    /// - Returns: whether it held before the deadline.
    public func wait(timeout: TimeInterval, until predicate: (ConnectorRegistry) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        changed.lock()
        defer { changed.unlock() }
        while !predicate(self) {
            // Drained instances vanish without a reload; look again at least every 50 ms.
            let next = min(deadline, Date().addingTimeInterval(0.05))
            _ = changed.wait(until: next)
            if Date() >= deadline { return predicate(self) }
        }
        return true
    }

    // MARK: - Reload

    /// Bring the registry in step with the manifests in `directory`
    /// (`*.yaml` and `*.yml`, hidden files skipped).
    /// - Parameter directory: the `connectors.d` folder.
    /// - Returns: what changed and what failed.
    @discardableResult
    public func reload(directory: URL) -> ReloadReport {
        let report = reloadLock.withLock { _ in reloadSerialised(directory: directory) }
        changed.lock()
        state.withLock { $0.generation += 1 }
        changed.broadcast()
        changed.unlock()
        return report
    }

    /// Library files of the current manifests, for a watcher.
    public var watchedLibraryPaths: [String] {
        state.withLock { state in
            Array(Set(state.entries.values.flatMap { [$0.manifest?.library.path, $0.attemptedLibrary].compactMap { $0 } }))
        }
    }

    private func reloadSerialised(directory: URL) -> ReloadReport {
        var report = ReloadReport()
        var problems: [String: String] = [:]
        let files = Self.manifestFiles(in: directory)

        // 1. Parse every file.
        var parsed: [(file: String, manifest: Manifest, hash: String)] = []
        var keptByBrokenFile: Set<String> = []
        let previous = state.withLock { state in state.entries.mapValues { ($0.file, $0.manifest) } }
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                problems[file] = "\(file):1:1: error: cannot read the manifest file"
                continue
            }
            switch manifests.loadManifest(path: file) {
            case .success(let manifest):
                parsed.append((file, manifest, SHA256.hex(bytes)))
            case .failure(let error):
                let reason = error.diagnostics.isEmpty ? "\(file):1:1: error: invalid manifest" : error.description
                problems[file] = reason
                // A connector this file defined keeps serving its last good version.
                for (name, (owner, _)) in previous where owner == file {
                    keptByBrokenFile.insert(name)
                    state.withLock { $0.entries[name]?.lastFailure = reason }
                }
            }
        }

        // 2. One file per name: the current owner keeps it, else the first file.
        var winners: [String: (file: String, manifest: Manifest, hash: String)] = [:]
        for candidate in parsed {
            let name = candidate.manifest.name
            if keptByBrokenFile.contains(name) {
                problems[candidate.file] = Self.duplicate(candidate.manifest, owner: previous[name]?.0 ?? "another file")
                continue
            }
            if let current = winners[name] {
                let ownerFile = previous[name]?.0
                if ownerFile == candidate.file {
                    problems[current.file] = Self.duplicate(current.manifest, owner: candidate.file)
                    winners[name] = candidate
                } else {
                    problems[candidate.file] = Self.duplicate(candidate.manifest, owner: current.file)
                }
            } else {
                winners[name] = candidate
            }
        }

        // 3. Load what is new or changed.
        for (name, winner) in winners.sorted(by: { $0.key < $1.key }) {
            let fingerprint = Fingerprint(manifest: winner.hash, library: Self.libraryHash(winner.manifest.library.path))
            let existing = state.withLock { $0.entries[name] }
            if let existing, existing.file == winner.file, existing.lastAttempt == fingerprint { continue }
            switch loadInstance(winner.manifest) {
            case .success(let instance):
                let old = state.withLock { state -> ConnectorInstance? in
                    let old = state.entries[name]?.serving
                    state.entries[name] = Entry(file: winner.file, serving: instance, manifest: winner.manifest,
                                                lastAttempt: fingerprint, lastFailure: nil,
                                                attemptedLibrary: winner.manifest.library.path)
                    if let old { state.draining.append(Draining(name: name, file: existing?.file ?? winner.file, instance: old)) }
                    return old
                }
                if old == nil { report.added.append(name) } else { report.changed.append(name) }
            case .failure(let error):
                problems[winner.file] = error.description
                state.withLock { state in
                    var entry = state.entries[name] ?? Entry(file: winner.file)
                    if entry.serving == nil { entry.file = winner.file }
                    entry.lastAttempt = fingerprint
                    entry.lastFailure = error.description
                    entry.attemptedLibrary = winner.manifest.library.path
                    state.entries[name] = entry
                }
            }
        }

        // 4. Names no file defines any more drain.
        state.withLock { state in
            for (name, entry) in state.entries where winners[name] == nil && !keptByBrokenFile.contains(name) {
                state.entries[name] = nil
                if let serving = entry.serving {
                    state.draining.append(Draining(name: name, file: entry.file, instance: serving))
                }
                report.removed.append(name)
            }
            state.fileProblems = problems
            state.draining.removeAll { $0.instance == nil }
        }
        report.failures = problems
        report.removed.sort()
        return report
    }

    private func loadInstance(_ manifest: Manifest) -> Result<ConnectorInstance, PluginError> {
        do throws(PluginError) {
            let plugin = try loader.load(manifest)
            return .success(try ConnectorInstance(plugin: plugin))
        } catch {
            return .failure(error)
        }
    }

    private static func status(name: String, entry: Entry) -> ConnectorStatus {
        if let serving = entry.serving, let manifest = entry.manifest ?? Optional(serving.plugin.manifest) {
            return ConnectorStatus(name: name, file: entry.file,
                                   state: .loaded(version: serving.plugin.description.version,
                                                  claims: manifest.claims.map(\.name),
                                                  regions: manifest.regions.map(\.name)),
                                   lastFailure: entry.lastFailure)
        }
        return ConnectorStatus(name: name, file: entry.file, state: .failed(reason: entry.lastFailure ?? "not loaded"))
    }

    private static func duplicate(_ manifest: Manifest, owner: String) -> String {
        PluginError(.duplicateName, "connector name '\(manifest.name)' is already defined by \(owner); this file is ignored",
                    at: manifest.location(of: "metadata.name")).description
    }

    private static func libraryHash(_ path: String) -> String {
        guard let bytes = FileManager.default.contents(atPath: path) else { return "missing" }
        return SHA256.hex(bytes)
    }

    /// `*.yaml` / `*.yml` regular files in `directory`, hidden ones skipped, sorted.
    static func manifestFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
            .sorted()
            .map { directory.appendingPathComponent($0).path }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
    }
}
