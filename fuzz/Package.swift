// swift-tools-version:6.0
// Coverage-guided fuzzing (libFuzzer) of what reads untrusted bytes: the HTTP head parser with the chunked-body
// decoder, and the JSON reader behind every request body. Built and run only by fuzz/run.sh, never by the product
// or the test suite; the targets below are the product's own sources (symbolic links into ../Sources).
import PackageDescription

let package = Package(
    name: "fuzz",
    dependencies: [.package(url: "https://github.com/apple/swift-log.git", from: "1.16.2")],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "CEpoll"),
        .target(name: "CFileSync"),
        .target(name: "HTTPCore", dependencies: ["COpenSSL", "CZlib", "CEpoll", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Storage", dependencies: ["CZlib", "CFileSync", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Domain", dependencies: ["Storage", "COpenSSL"]),
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzHead", dependencies: ["HTTPCore", "FuzzDriver"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["Domain", "FuzzDriver"]),
    ]
)
