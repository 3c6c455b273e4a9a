// swift-tools-version: 6.1
// kgit: a declarative GitOps reconciler and configuration language with a Kubernetes-style control plane.
//
// Module layering (a module imports only from lower layers):
//   0  CYAML CSQLite CGit2 COpenSSL       C headers and link flags only (COpenSSL: TLS to etcd)
//   1  KgitYAML KgitStore KgitGit         each wraps one thing (KgitStore <- CSQLite COpenSSL; KgitGit <- CGit2 COpenSSL)
//   2  KgitSchema                         schema model, built-in kinds, validator   <- KgitYAML
//   3  KgitKGL                            the configuration language               <- KgitSchema
//   3  KgitAPIMachinery                   JSON values, Status errors, selectors, protobuf envelopes
//   4  KgitAPIServer                      HTTPS API server, PKI, registry, watch   <- KgitAPIMachinery, KgitStore, KgitSchema
//   4  KgitClient                         kubeconfig, HTTPS transport, dynamic client <- KgitAPIMachinery, KgitYAML
//   5  KgitSync                           GitOps: desired state, diff, health, plan, engine <- KgitGit KgitSchema KgitYAML KgitClient
//   5  KgitControllers                    reconcilers as pure decisions, a driver  <- KgitAPIMachinery
//   5  KgitScheduler                      scheduling queue, framework, plugins, preemption <- KgitAPIMachinery
//   5  KgitAgent                          simulated nodes: node objects, lease schedule, pod lifecycle <- KgitAPIMachinery
//   6  KgitControlPlane                   in-process transport, controller manager, scheduler runtime, simulated
//                                         node agents, `kgit up`
//                                         <- KgitAPIServer KgitClient KgitControllers KgitScheduler KgitAgent
//   7  KgitCLI, then the `kgit` executable
import PackageDescription

let package = Package(
    name: "kgit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kgit", targets: ["kgit"]),
        .executable(name: "kgit-bench", targets: ["kgit-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        .target(name: "KgitYAML", dependencies: ["CYAML"]),
        .target(name: "KgitStore", dependencies: ["CSQLite", "COpenSSL"]),
        .target(name: "KgitGit", dependencies: ["CGit2", "COpenSSL"]),
        // Test support shared by test targets (real git repositories, a git daemon, scratch directories).
        .target(name: "KgitTesting"),
        .target(name: "KgitSync", dependencies: ["KgitGit", "KgitYAML", "KgitSchema", "KgitClient", "KgitAPIMachinery"]),
        .target(name: "KgitSchema", dependencies: ["KgitYAML", "KgitAPIMachinery"], resources: [.copy("Resources")]),
        .target(name: "KgitKGL", dependencies: ["KgitSchema", "KgitYAML", "KgitAPIMachinery"]),
        .target(name: "KgitAPIMachinery"),
        .target(name: "KgitControllers", dependencies: ["KgitAPIMachinery"]),
        .target(name: "KgitScheduler", dependencies: ["KgitAPIMachinery"]),
        .target(name: "KgitAgent", dependencies: ["KgitAPIMachinery"]),
        .target(
            name: "KgitAPIServer",
            dependencies: [
                "KgitAPIMachinery", "KgitStore", "KgitSchema", "KgitYAML",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "KgitClient",
            dependencies: [
                "KgitAPIMachinery", "KgitYAML",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "KgitControlPlane",
            dependencies: ["KgitAPIServer", "KgitClient", "KgitControllers", "KgitScheduler", "KgitAgent", "KgitAPIMachinery"]
        ),
        .target(
            name: "KgitCLI",
            dependencies: [
                "KgitYAML", "KgitSchema", "KgitKGL", "KgitStore", "KgitAPIServer", "KgitClient", "KgitSync", "KgitGit",
                "KgitControlPlane", "KgitControllers", "KgitAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "kgit", dependencies: ["KgitCLI"]),
        .executableTarget(
            name: "kgit-bench",
            dependencies: [
                "KgitYAML", "KgitSchema", "KgitKGL", "KgitStore", "KgitGit", "KgitSync", "KgitScheduler", "KgitAPIServer",
                "KgitAPIMachinery", "KgitClient",
            ],
            path: "Benchmarks/KgitBench"
        ),

        .testTarget(name: "KgitTestingTests", dependencies: ["KgitTesting"]),
        .testTarget(name: "KgitYAMLTests", dependencies: ["KgitYAML"]),
        .testTarget(name: "KgitSchemaTests", dependencies: ["KgitSchema", "KgitYAML"], exclude: ["Fixtures"]),
        .testTarget(name: "KgitKGLTests", dependencies: ["KgitKGL", "KgitSchema", "KgitYAML"]),
        .testTarget(name: "KgitStoreTests", dependencies: ["KgitStore", "KgitTesting"]),
        .testTarget(name: "KgitGitTests", dependencies: ["KgitGit", "KgitTesting"], exclude: ["Support/git-http-auth-server.py"]),
        .testTarget(name: "KgitSyncTests", dependencies: ["KgitSync", "KgitGit", "KgitYAML", "KgitSchema", "KgitClient", "KgitAPIMachinery", "KgitTesting"]),
        .testTarget(name: "KgitCLITests", dependencies: ["KgitCLI", "KgitTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "KgitAPIMachineryTests", dependencies: ["KgitAPIMachinery"]),
        .testTarget(name: "KgitControllersTests", dependencies: ["KgitControllers", "KgitAPIMachinery"]),
        .testTarget(
            name: "KgitClientTests",
            dependencies: [
                "KgitClient", "KgitAPIMachinery", "KgitTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "KgitSchedulerTests", dependencies: ["KgitScheduler", "KgitAPIMachinery"]),
        .testTarget(name: "KgitAgentTests", dependencies: ["KgitAgent", "KgitAPIMachinery"]),
        .testTarget(
            name: "KgitControlPlaneTests",
            dependencies: [
                "KgitControlPlane", "KgitAPIServer", "KgitClient", "KgitControllers", "KgitScheduler", "KgitAgent",
                "KgitAPIMachinery", "KgitTesting",
            ]
        ),
        .testTarget(name: "KgitAPIServerTests", dependencies: ["KgitAPIServer", "KgitAPIMachinery", "KgitStore", "KgitTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
