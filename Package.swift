// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "commune-sync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "commune-agent", targets: ["commune-agent"]),
        .executable(name: "district-hub", targets: ["district-hub"]),
        .library(name: "SyncCore", targets: ["SyncCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        /// libcurl and zlib wrappers: Swift cannot call C variadics (`curl_easy_setopt`) or macros
        /// (`deflateInit2`), so these few functions give them fixed signatures.
        .target(
            name: "CShims",
            linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("z"), .linkedLibrary("sqlite3")]
        ),
        .target(
            name: "SyncCore",
            dependencies: [
                "CShims",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "commune-agent",
            dependencies: [
                "SyncCore", "WebSupport", "CLISupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "district-hub",
            dependencies: [
                "SyncCore", "WebSupport", "CLISupport", "OfficeDocuments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ]
        ),
        /// Word and Excel files written by hand as OOXML parts in ZIPFoundation's zip container:
        /// the periodic report in the official layout and the dashboard's .xlsx exports; the
        /// audit's workbook streamed through a ZIP writer of its own over zlib (CShims), since
        /// ZIPFoundation needs each entry's size before its data.
        .target(
            name: "OfficeDocuments",
            dependencies: ["CShims", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        /// What both programs' command lines share: `--db` and how it opens a store.
        .target(
            name: "CLISupport",
            dependencies: ["SyncCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        /// The web layer both screens share: HTML that escapes by default, the page shell, the
        /// CSRF-checked form decoder (uploads streamed to disk) and the security headers.
        .target(
            name: "WebSupport",
            dependencies: [
                "SyncCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ]
        ),
        /// In-process benchmarks (merge, agent write, wire bytes), driven by Benchmarks/run.
        .executableTarget(
            name: "sync-bench",
            dependencies: ["SyncCore", "TestSupport"],
            path: "Benchmarks/SyncBench"
        ),
        /// A fault-injecting, link-shaping TCP proxy for the network fault suite and the
        /// slow-link benchmark. Not a product: `scripts/package` ships only the two programs.
        .executableTarget(
            name: "fault-proxy",
            dependencies: ["TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/FaultProxy"
        ),
        /// A libFuzzer target on the sync request decoder and the hub's merge (scripts/fuzz builds
        /// it with `-sanitize=fuzzer -DFUZZING`); a plain build gives a program that replays the
        /// seed corpus in Tests/Fuzz/corpus, which scripts/test runs. Never packaged.
        .executableTarget(
            name: "sync-fuzz",
            dependencies: ["SyncCore"],
            path: "Tests/Fuzz/SyncFuzz"
        ),
        /// What several test targets share: a small browser for the web screens, a clock moved by
        /// hand, the in-memory transport and the seeded generator that property and fault runs
        /// replay from. Test doubles stay out of the library.
        .target(
            name: "TestSupport",
            dependencies: ["SyncCore"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "SyncCoreTests",
            dependencies: ["SyncCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        .testTarget(
            name: "DistrictHubTests",
            dependencies: [
                "district-hub", "SyncCore", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "WebSupportTests",
            dependencies: [
                "WebSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SyncCore", "TestSupport"]
        ),
    ]
)
