import Foundation

/// A private directory (mode 0700) for one command's temporary files,
/// removed when the command returns (``remove()``) or when SIGTERM or
/// SIGINT stops it (then the process exits with 128 + the signal's
/// number): `psi query` puts its sorted runs here so that no signal leaves
/// them behind. The signals are watched before the directory exists.
final class ScratchDirectory {
    /// The directory.
    let path: String
    private var sources: [any DispatchSourceSignal] = []

    /// Watch SIGTERM and SIGINT, then create `<parent>/<prefix>-<UUID>`
    /// (parent: `TMPDIR` or `/tmp`).
    /// - Throws: ``CommandError`` when it cannot be created.
    init(parent: String?, prefix: String) throws {
        let base = parent ?? FileManager.default.temporaryDirectory.path
        path = (base.hasSuffix("/") ? base : base + "/") + prefix + "-" + UUID().uuidString.lowercased()
        removeOnTermination()
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            remove()
            throw CommandError("\(path): cannot create a temporary directory: \(error.localizedDescription)")
        }
    }

    private func removeOnTermination() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let path = path
            source.setEventHandler {
                try? FileManager.default.removeItem(atPath: path)
                Output.err("pavilion: stopped by signal \(signalNumber); removed \(path)")
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Remove the directory and stop watching the signals.
    func remove() {
        sources.forEach { $0.cancel() }
        sources = []
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { remove() }
}
