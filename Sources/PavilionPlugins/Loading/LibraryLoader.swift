import PavilionDynamicLinking
import Foundation
import PavilionCore
import PavilionCrypto
import PavilionManifest

/// Verifies and loads connector libraries.
///
/// For each manifest it reads the library's bytes, checks their SHA-256
/// against `spec.library.sha256` *before* anything is loaded, writes the
/// verified bytes to a content-addressed cache file `<cacheDirectory>/<sha256>.so`
/// (mode 0500, written to a temporary name and renamed into place) and
/// `dlopen`s that copy. The bytes checked are therefore the bytes loaded, and
/// a library changed in place at the manifest's path is a different file to
/// the dynamic linker, which caches by path. Then it negotiates the ABI,
/// checks the vtable and compares the plugin's self-description with the
/// manifest. Any refusal closes the library again and leaves the rest of the
/// process untouched.
public struct LibraryLoader: Sendable {
    /// Where verified copies are kept. Created with mode 0700 if missing.
    public var cacheDirectory: URL
    /// The services handed to every plugin loaded here.
    public var services: PluginServices

    /// - Parameters:
    ///   - cacheDirectory: the folder for verified library copies.
    ///   - services: log sink, secret provider and clock for the plugins.
    public init(cacheDirectory: URL, services: PluginServices = PluginServices()) {
        self.cacheDirectory = cacheDirectory
        self.services = services
    }

    /// Verify, load and check the library `manifest` pins.
    /// - Parameter manifest: a validated manifest.
    /// - Returns: the loaded plugin, its description matching the manifest.
    /// - Throws: ``PluginError`` naming the refusal and the manifest key.
    public func load(_ manifest: Manifest) throws(PluginError) -> LoadedPlugin {
        let pathKey = manifest.location(of: "spec.library.path")
        let bytes = try Self.verifiedBytes(of: manifest)
        let actual = manifest.library.sha256.lowercased()
        let cached = try cache(bytes, sha256: actual, manifest: manifest)

        let shared: SharedLibrary
        do {
            shared = try SharedLibrary(path: cached.path)
        } catch {
            throw PluginError(.loadFailed, "cannot load library '\(manifest.library.path)': \(error.message)", at: pathKey)
        }
        // From here on the library is loaded; `library` closes it on any refusal.
        let library = LoadedLibrary(library: shared, hostTable: HostTable())
        let entry: EntryFunction
        do {
            entry = try EntryFunction(in: shared)
        } catch {
            throw PluginError(.missingEntrySymbol,
                              "library '\(manifest.library.path)' does not export \(ABI.entrySymbol)", at: pathKey)
        }
        let vtable: VTable
        let abiVersion: UInt32
        switch callEntry(entry, host: library.hostTable) {
        case .refused:
            throw PluginError(.noCommonABI,
                              "library '\(manifest.library.path)' shares no ABI version with this host (host speaks 1...\(ABI.hostVersion)); its entry returned NULL",
                              at: manifest.location(of: "spec.library.abi"))
        case .tooSmall(let version, let size):
            if let refusal = Self.checkVersion(version, manifest: manifest) { throw refusal }
            throw PluginError(.structTooSmall,
                              "library '\(manifest.library.path)' returned a vtable of struct_size \(size), smaller than the ABI-1 size \(ABI.pluginV1Size)",
                              at: pathKey)
        case .table(let version, _, let table):
            if let refusal = Self.checkVersion(version, manifest: manifest) { throw refusal }
            vtable = table
            abiVersion = version
        }
        if let slot = vtable.missingRequiredSlots.first {
            throw PluginError(.missingFunction,
                              "library '\(manifest.library.path)' leaves the required vtable slot '\(slot)' NULL", at: pathKey)
        }

        let plugin = LoadedPlugin(manifest: manifest, description: try describe(vtable, manifest: manifest),
                                  sha256: actual, loadedPath: cached.path, abiVersion: abiVersion,
                                  vtable: vtable, library: library, services: services)
        return plugin
    }

    /// Read the library `manifest` pins and check its bytes against the pin,
    /// without loading it (what `manifest lint` checks).
    /// - Parameter manifest: a validated manifest.
    /// - Returns: the library's bytes, which match `spec.library.sha256`.
    /// - Throws: ``PluginError`` `libraryMissing` or `sha256Mismatch`, at the
    ///   manifest key.
    public static func verifiedBytes(of manifest: Manifest) throws(PluginError) -> Data {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: manifest.library.path))
        } catch {
            throw PluginError(.libraryMissing, "cannot read library '\(manifest.library.path)': \(reason(error))",
                              at: manifest.location(of: "spec.library.path"))
        }
        let actual = SHA256.hex(bytes)
        let pinned = manifest.library.sha256.lowercased()
        guard actual == pinned else {
            throw PluginError(.sha256Mismatch,
                              "library '\(manifest.library.path)' has SHA-256 \(actual), but the manifest pins \(pinned); it was not loaded",
                              at: manifest.location(of: "spec.library.sha256"))
        }
        return bytes
    }

    // MARK: - Steps

    private static func checkVersion(_ version: UInt32, manifest: Manifest) -> PluginError? {
        guard version == 0 || version > ABI.hostVersion else { return nil }
        return PluginError(.unsupportedABIVersion,
                           "library '\(manifest.library.path)' returned a vtable for ABI version \(version); this host speaks 1...\(ABI.hostVersion)",
                           at: manifest.location(of: "spec.library.abi"))
    }

    private func describe(_ vtable: VTable, manifest: Manifest) throws(PluginError) -> PluginDescription {
        let pathKey = manifest.location(of: "spec.library.path")
        let (status, json) = vtable.describe(limits: CopyLimits())
        guard status == ABI.Status.ok else {
            throw PluginError(.describeFailed, "describe of '\(manifest.library.path)' returned status \(status)", at: pathKey)
        }
        let description: PluginDescription
        switch json {
        case .failure(let problem):
            throw PluginError(.describeFailed, "describe of '\(manifest.library.path)': \(problem.message)", at: pathKey)
        case .success(let bytes):
            do {
                description = try PluginDescription.parse(bytes)
            } catch {
                throw PluginError(.describeFailed, "\(error.message) (library '\(manifest.library.path)')", at: pathKey)
            }
        }
        if description.name != manifest.name {
            throw PluginError(.describeMismatch,
                              "metadata.name is '\(manifest.name)' but the library describes itself as '\(description.name)'",
                              at: manifest.location(of: "metadata.name"))
        }
        if description.version != manifest.metadata.version {
            throw PluginError(.describeMismatch,
                              "metadata.version is '\(manifest.metadata.version)' but the library describes version '\(description.version)'",
                              at: manifest.location(of: "metadata.version"))
        }
        let declared = Set(manifest.claims.map(\.name))
        let offered = Set(description.claims)
        if declared != offered {
            var parts: [String] = []
            let missing = declared.subtracting(offered).sorted()
            let extra = offered.subtracting(declared).sorted()
            if !missing.isEmpty { parts.append("the library does not offer \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { parts.append("the library also offers \(extra.joined(separator: ", "))") }
            throw PluginError(.describeMismatch,
                              "spec.claims differs from the library's claims: \(parts.joined(separator: "; "))",
                              at: manifest.location(of: "spec.claims"))
        }
        let manifestHealth = manifest.health != nil
        if description.health != manifestHealth {
            throw PluginError(.describeMismatch,
                              manifestHealth
                                  ? "spec.health is set but the library describes no health probe"
                                  : "the library describes a health probe but the manifest has no spec.health",
                              at: manifest.location(of: "spec.health"))
        }
        if description.health && !vtable.hasHealth {
            throw PluginError(.missingFunction,
                              "library '\(manifest.library.path)' describes a health probe but leaves 'health_begin' NULL",
                              at: pathKey)
        }
        return description
    }

    /// Write `bytes` to `<cacheDirectory>/<sha256>.so` unless an identical
    /// copy is there already.
    private func cache(_ bytes: Data, sha256: String, manifest: Manifest) throws(PluginError) -> URL {
        let target = cacheDirectory.appendingPathComponent("\(sha256).so")
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: cacheDirectory, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
            if fm.fileExists(atPath: target.path),
               let existing = fm.contents(atPath: target.path), SHA256.hex(existing) == sha256 {
                return target
            }
            let temporary = cacheDirectory.appendingPathComponent(".\(sha256).\(UUID().uuidString).tmp")
            try bytes.write(to: temporary, options: .withoutOverwriting)
            do {
                try fm.setAttributes([.posixPermissions: 0o500], ofItemAtPath: temporary.path)
                guard rename(temporary.path, target.path) == 0 else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path,
                                                                   NSLocalizedDescriptionKey: String(cString: strerror(errno))])
                }
            } catch {
                try? fm.removeItem(at: temporary)
                throw error
            }
            return target
        } catch {
            throw PluginError(.cacheFailed,
                              "cannot write the verified copy of '\(manifest.library.path)' to \(target.path): \(Self.reason(error))",
                              at: manifest.location(of: "spec.library.path"))
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return (error as NSError).localizedDescription
    }
}
