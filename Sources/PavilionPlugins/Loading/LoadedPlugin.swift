import PavilionDynamicLinking
import PavilionManifest
import Synchronization

/// A verified, loaded connector library: its `dlopen` handle, the host table
/// it was given, its vtable and its self-description.
///
/// The library is unloaded when the last reference goes; every
/// ``ConnectorInstance`` holds one, so that happens only after all instances
/// are destroyed. Obtain one from ``LibraryLoader/load(_:)``.
public final class LoadedPlugin: Sendable {
    /// The manifest the library was checked against.
    public let manifest: Manifest
    /// What the library says about itself (already checked against the manifest).
    public let description: PluginDescription
    /// The lowercase hex SHA-256 of the loaded bytes.
    public let sha256: String
    /// The content-addressed copy that was actually `dlopen`ed.
    public let loadedPath: String
    /// The ABI version of the vtable the library returned.
    public let abiVersion: UInt32
    /// Whether the vtable has `health_begin`.
    public var hasHealthProbe: Bool { vtable.hasHealth }

    let vtable: VTable
    let library: LoadedLibrary
    /// The services instances of this library are given.
    let services: PluginServices
    /// Serialises describe/create/destroy, as the ABI requires.
    let lifecycleLock = Mutex<Void>(())

    init(manifest: Manifest, description: PluginDescription, sha256: String, loadedPath: String,
         abiVersion: UInt32, vtable: VTable, library: LoadedLibrary, services: PluginServices) {
        self.services = services
        self.manifest = manifest
        self.description = description
        self.sha256 = sha256
        self.loadedPath = loadedPath
        self.abiVersion = abiVersion
        self.vtable = vtable
        self.library = library
    }
}

/// Owns a `dlopen` handle and the host table handed to that library; closes
/// the one before freeing the other.
final class LoadedLibrary: Sendable {
    let library: SharedLibrary
    let hostTable: HostTable

    init(library: SharedLibrary, hostTable: HostTable) {
        self.library = library
        self.hostTable = hostTable
    }
    // Stored properties are released in declaration order: the library is
    // closed (dlclose) before the host table it was given is freed.
}
