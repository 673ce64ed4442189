// swift-tools-version:6.0
// Pavilion DP Connector — the host, its modules and the shipped connectors.
import PackageDescription

/// Map the checkout's absolute path out of compiled artefacts so that a
/// connector library built from the same sources by the same toolchain has
/// the same bytes (and so the same SHA-256 pin) wherever it was checked out.
let root = Context.packageDirectory
let reproducibleC: [CSetting] = [.unsafeFlags(["-ffile-prefix-map=\(root)=."])]
let reproducibleSwift: [SwiftSetting] = [.unsafeFlags(["-file-prefix-map", "\(root)=."])]

let package = Package(
    name: "Pavilion",
    products: [
        .executable(name: "pavilion", targets: ["pavilion"]),
        .library(name: "PavilionConnectorKit", targets: ["PavilionConnectorKit"]),
        // Shipped connectors: one shared library each, loaded by the host.
        .library(name: "pv_echo", type: .dynamic, targets: ["EchoConnector"]),
        .library(name: "pv_camara_kyc_match", type: .dynamic, targets: ["CamaraKYCMatchConnector"]),
        .library(name: "pv_fhir_patient", type: .dynamic, targets: ["FHIRPatientConnector"]),
        .library(name: "pv_fraud_list", type: .dynamic, targets: ["FraudListConnector"]),
    ],
    targets: [
        // C libraries: one module map each.
        .systemLibrary(name: "CPavilion"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CDL"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CPKCS11"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Host modules, lowest first.
        .target(name: "PavilionCore"),
        .target(name: "PavilionDynamicLinking", dependencies: ["CDL"]),
        .target(name: "PavilionCrypto", dependencies: ["PavilionCore", "COpenSSL"]),
        .target(name: "PavilionManifest", dependencies: ["PavilionCore", "CYAML"]),
        .target(name: "PavilionNet", dependencies: ["PavilionCore", "PavilionCrypto", "CLinux"]),
        .target(name: "PavilionStore", dependencies: ["PavilionCore", "PavilionCrypto", "CSQLite"]),
        .target(name: "PavilionPlugins", dependencies: ["PavilionCore", "PavilionCrypto", "PavilionManifest", "CPavilion", "PavilionDynamicLinking"]),
        .target(name: "PavilionData", dependencies: ["PavilionCore"]),
        .target(name: "PavilionHSM", dependencies: ["PavilionCore", "PavilionCrypto", "PavilionDynamicLinking", "CPKCS11"]),
        .target(name: "PavilionCredentials", dependencies: ["PavilionCore", "PavilionCrypto", "PavilionHSM", "CZlib"]),
        .target(name: "PavilionPrivacy", dependencies: ["PavilionCore", "PavilionCrypto"]),
        .target(name: "PavilionSimulators", dependencies: ["PavilionCore", "PavilionCrypto", "PavilionNet", "PavilionPrivacy"]),
        .target(name: "PavilionHost", dependencies: ["PavilionCore", "PavilionCrypto", "PavilionManifest", "PavilionPlugins",
                                                    "PavilionNet", "PavilionStore", "PavilionData", "PavilionCredentials", "PavilionHSM",
                                                    "PavilionPrivacy"]),
        .executableTarget(name: "pavilion", dependencies: ["PavilionCore", "PavilionCrypto", "PavilionManifest", "PavilionPlugins",
                                                          "PavilionNet", "PavilionStore", "PavilionData", "PavilionSimulators",
                                                          "PavilionHost", "PavilionPrivacy", "PavilionCredentials", "PavilionHSM"]),

        // Connector kit and shipped connectors.
        .target(name: "PavilionConnectorKit", dependencies: ["CPavilion"], path: "Plugins/PavilionConnectorKit",
                swiftSettings: reproducibleSwift),
        .target(name: "EchoConnector", path: "Plugins/EchoConnector", publicHeadersPath: "include",
                cSettings: [.headerSearchPath("../../include")] + reproducibleC),
        .target(name: "PavilionCJSON", path: "Plugins/PavilionCJSON", publicHeadersPath: "include", cSettings: reproducibleC),
        .target(name: "CamaraKYCMatchConnector", dependencies: ["PavilionCJSON"], path: "Plugins/CamaraKYCMatchConnector", publicHeadersPath: "include",
                cSettings: [.headerSearchPath("../../include")] + reproducibleC),
        .target(name: "FHIRPatientConnector", dependencies: ["PavilionConnectorKit"], path: "Plugins/FHIRPatientConnector",
                swiftSettings: reproducibleSwift),
        .target(name: "FraudListConnector", dependencies: ["PavilionConnectorKit"], path: "Plugins/FraudListConnector",
                swiftSettings: reproducibleSwift),

        // Tests: shared helpers, one target per module, plus the command-line integration tests.
        .target(name: "PavilionTestSupport", path: "Tests/PavilionTestSupport"),
        .testTarget(name: "PavilionCoreTests", dependencies: ["PavilionCore"]),
        .testTarget(name: "PavilionDynamicLinkingTests", dependencies: ["PavilionDynamicLinking"]),
        .testTarget(name: "PavilionCryptoTests", dependencies: ["PavilionTestSupport", "PavilionCrypto"]),
        .testTarget(name: "PavilionStoreTests", dependencies: ["PavilionTestSupport", "PavilionStore", "PavilionCrypto", "PavilionCore"]),
        .testTarget(name: "PavilionManifestTests", dependencies: ["PavilionTestSupport", "PavilionManifest", "PavilionCore"]),
        .testTarget(name: "PavilionPluginsTests", dependencies: ["PavilionTestSupport", "PavilionPlugins", "PavilionManifest", "PavilionCore"]),
        .testTarget(name: "PavilionNetTests", dependencies: ["PavilionTestSupport", "PavilionNet", "PavilionCrypto"]),
        .testTarget(name: "PavilionConnectorKitTests", dependencies: ["PavilionTestSupport", "PavilionConnectorKit", "CPavilion"]),
        .testTarget(name: "PavilionHSMTests", dependencies: ["PavilionTestSupport", "PavilionHSM", "PavilionCrypto", "PavilionCore"]),
        .testTarget(name: "PavilionCredentialsTests", dependencies: ["PavilionTestSupport", "PavilionCredentials", "PavilionHSM",
                                                                     "PavilionCrypto", "PavilionCore"]),
        .testTarget(name: "PavilionPrivacyTests", dependencies: ["PavilionTestSupport", "PavilionPrivacy", "PavilionCrypto", "PavilionCore"]),
        .testTarget(name: "PavilionDataTests", dependencies: ["PavilionTestSupport", "PavilionData", "PavilionCore", "PavilionCrypto"]),
        .testTarget(name: "PavilionSimulatorsTests", dependencies: ["PavilionTestSupport", "PavilionSimulators", "PavilionNet", "PavilionCore",
                                                                   "PavilionPlugins", "PavilionManifest", "PavilionCrypto", "PavilionPrivacy"]),
        .testTarget(name: "PavilionHostTests", dependencies: ["PavilionTestSupport", "PavilionHost", "PavilionPlugins", "PavilionManifest",
                                                              "PavilionNet", "PavilionStore", "PavilionData", "PavilionSimulators",
                                                              "PavilionCrypto", "PavilionCore", "PavilionCredentials", "PavilionHSM",
                                                              "PavilionPrivacy"]),
        .testTarget(name: "PavilionCLITests", dependencies: ["PavilionTestSupport", "PavilionCore", "PavilionStore", "PavilionCrypto",
                                                             "PavilionPrivacy", "PavilionCredentials", "PavilionHSM"]),
    ]
)
