// swift-tools-version:6.0
// The yardstick the issues name: a Hummingbird 2 (SwiftNIO) server that serves a fixed JSON document and
// decodes report POSTs without storing them. Built and run only by benchmarks/peer.sh, never by the product
// or the test suite, so that cleanheat and its peer are measured in the same run on the same machine.
import PackageDescription

let package = Package(
    name: "peer",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(name: "peer", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
