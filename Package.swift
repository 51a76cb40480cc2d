// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: cleanheat → API → Domain → Storage, and API → HTTPCore.
// NonisolatedNonsendingByDefault: a nonisolated async function (and async closure type) runs on its caller's
// executor instead of hopping to the generic one. There are no actors here, so nothing runs elsewhere than before;
// a request's handler calls just no longer check for a hop at every call (CPU per report POST 0.97, benchmarks/ab.sh).
let strictness: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("NonisolatedNonsendingByDefault")]

// Release builds of the product's modules let the modules that use them specialise their generic code: the store is
// generic over its state, and the one built for CampaignState (in the executable) ran unspecialised, through
// metadata and witness tables, on the two threads every write goes through (benchmarks/README, "Specialised").
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "cleanheat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cleanheat", targets: ["cleanheat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CEpoll"),
        .target(name: "CFileSync"),
        .target(name: "CThreadName"),
        .target(
            name: "HTTPCore",
            dependencies: ["COpenSSL", "CZlib", "CEpoll", "CThreadName", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictness + crossModule
        ),
        .target(
            name: "Storage",
            dependencies: ["CZlib", "CFileSync", "CThreadName", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictness + crossModule
        ),
        .target(
            name: "Domain",
            dependencies: ["Storage", "COpenSSL"],
            swiftSettings: strictness + crossModule
        ),
        .target(
            name: "API",
            dependencies: [
                "HTTPCore", "Domain", "Storage", "CThreadName",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictness + crossModule
        ),
        .executableTarget(
            name: "cleanheat",
            dependencies: [
                "API", "HTTPCore", "Domain", "Storage", "CThreadName",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        .target(
            name: "TestSupport",
            dependencies: [],
            path: "Tests/TestSupport",
            swiftSettings: strictness
        ),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore", "TestSupport"], swiftSettings: strictness),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"], swiftSettings: strictness),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "TestSupport"], swiftSettings: strictness),
        .testTarget(name: "APITests", dependencies: ["API", "Domain", "TestSupport"], swiftSettings: strictness),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Storage"],
            swiftSettings: strictness
        ),
    ]
)
